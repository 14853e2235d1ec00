package io.calloutd.docker;

import static io.calloutd.docker.GatewayLab.sh;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End to end in gateway mode: real client and server hosts in containers, the calloutd daemon in a
 * firewall container between them. Proves that forwarded traffic crosses the daemon's TUN (its counters
 * cover every IPv4 datagram the hosts sent and every payload byte) and arrives intact.
 */
class GatewayThroughTunIT {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayThroughTunIT.class);
    private static final int PINGS = 5;
    private static final int PING_IP_BYTES = 84; // 20 IPv4 + 8 ICMP + 56 data
    private static final long BLOB_BYTES = 4L << 20;
    private static final int PORT = 5001;

    @Test
    @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    void pingAndTcpTransferCrossTheDaemonTun() throws Exception {
        long t0 = System.nanoTime();
        try (GatewayLab lab = GatewayLab.start()) {
            LOG.info("lab up in {} ms: inside {} outside {}", ms(t0), lab.networks().insideSubnet(),
                    lab.networks().outsideSubnet());
            DaemonStats ready = lab.readyStats();
            LOG.info("daemon ready: {}", ready);

            String serverIp = GatewayLab.address(lab.server(), lab.networks().outside());
            String clientIp = GatewayLab.address(lab.client(), lab.networks().inside());
            long sentBefore = GatewayLab.ipv4OutRequests(lab.client()) + GatewayLab.ipv4OutRequests(lab.server());

            String ping = sh(lab.client(), "ping -n -c " + PINGS + " -i 0.2 -W 2 " + serverIp);
            assertThat(ping).contains(PINGS + " packets transmitted, " + PINGS + " received");

            // Server → client, a few MB of random data; the client verifies size and sha256.
            String blobSha = sh(lab.server(), "head -c " + BLOB_BYTES + " /dev/urandom > /tmp/blob && sha256sum /tmp/blob")
                    .split("\\s+")[0];
            sh(lab.server(), "nohup socat -u OPEN:/tmp/blob TCP-LISTEN:" + PORT + ",reuseaddr,range=" + clientIp
                    + "/32 >/tmp/socat.log 2>&1 &");
            long tx = System.nanoTime();
            sh(lab.client(), "timeout 60 socat -u TCP:" + serverIp + ":" + PORT + ",retry=50,interval=0.1 CREATE:/tmp/got");
            LOG.info("transfer of {} bytes took {} ms", BLOB_BYTES, ms(tx));
            assertThat(sh(lab.client(), "stat -c %s /tmp/got").trim()).isEqualTo(Long.toString(BLOB_BYTES));
            assertThat(sh(lab.client(), "sha256sum /tmp/got").split("\\s+")[0]).isEqualTo(blobSha);

            // Every IPv4 datagram either host sent went to the other side (no loopback, no DNS in use).
            long sent = GatewayLab.ipv4OutRequests(lab.client()) + GatewayLab.ipv4OutRequests(lab.server()) - sentBefore;
            long minBytes = BLOB_BYTES + 2L * PINGS * PING_IP_BYTES;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            DaemonStats live = lab.awaitStats(Duration.ofSeconds(5));
            while ((live.packetsIn() - ready.packetsIn() < sent || live.bytesIn() < minBytes) && System.nanoTime() < deadline) {
                Thread.sleep(250); // the file is rewritten every second
                live = lab.awaitStats(Duration.ofSeconds(5));
            }

            GatewayLab.Stopped stopped = lab.stopDaemon(Duration.ofSeconds(15));
            DaemonStats fin = stopped.finalStats();
            LOG.info("hosts sent {} IPv4 datagrams; daemon final stats {}; stopped with exit {} in {} ms",
                    sent, fin, stopped.exitCode(), stopped.took().toMillis());

            // Clean stop on SIGTERM: not SIGKILLed after the grace period (137), well within it.
            assertThat(stopped.exitCode()).as("daemon exit code after SIGTERM").isIn(0L, 143L);
            assertThat(stopped.oomKilled()).isFalse();
            assertThat(stopped.took()).isLessThan(Duration.ofSeconds(10));
            // The traffic crossed the TUN: packets and payload bytes in and out cover what the hosts sent.
            assertThat(fin.packetsIn()).as("packetsIn").isGreaterThanOrEqualTo(sent);
            assertThat(fin.packetsOut() + fin.totalDrops()).as("packetsOut + drops").isGreaterThanOrEqualTo(sent);
            assertThat(fin.bytesIn()).as("bytesIn").isGreaterThanOrEqualTo(minBytes);
            assertThat(fin.bytesOut()).as("bytesOut").isGreaterThanOrEqualTo(minBytes);
            // Nothing lost silently: every packet read was written back or counted as a drop.
            assertThat(fin.packetsOut() + fin.totalDrops()).as("packetsOut + drops vs packetsIn")
                    .isGreaterThanOrEqualTo(fin.packetsIn());
            assertThat(fin.dropsMalformed()).as("malformed drops " + fin.drops()).isZero();
            assertThat(fin.drops()).as("malformed drops by reason").allSatisfy((reason, n) -> assertThat(n).isZero());
        }
        LOG.info("test incl. cleanup took {} ms", ms(t0));
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
