package io.calloutd.callouts.lab;

import static io.calloutd.callouts.lab.LabSupport.num;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.daemon.StatsSnapshot;
import io.calloutd.lab.DaemonProcess;
import io.calloutd.lab.LabTopology;
import io.calloutd.lab.Traffic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code inspect} callout configured from a policy file in a real gateway (check 69): real TCP both ways, UDP and
 * ping to the watched address work with every packet absorbed and reinjected once; with {@code blockTraffic: 1}
 * connects to it fail, connects from it are silently dropped, and another address is untouched.
 */
class InspectLabIT {
    static final String WATCHED_2 = "198.18.2.3"; // a second server address, added in the server namespace

    static String policy(String remote, int block) {
        StringBuilder y = new StringBuilder("callouts:\n  - {id: watch, type: inspect, params: {remoteAddress: " + remote
                + ", blockTraffic: " + block + "}}\nfilters:\n");
        for (String layer : new String[] {"ALE_AUTH_CONNECT_V4", "ALE_AUTH_RECV_ACCEPT_V4", "OUTBOUND_TRANSPORT_V4", "INBOUND_TRANSPORT_V4"}) {
            y.append("  - {id: watch-").append(layer.toLowerCase()).append(", layer: ").append(layer)
                    .append(", action: CALLOUT_TERMINATING, callout: watch, conditions: [{field: IP_REMOTE_ADDRESS, value: ")
                    .append(remote).append("}]}\n");
        }
        return y.toString();
    }

    @Test
    void check69_permit_everyPacketToAndFromTheWatchedAddressIsInspectedAndReinjectedOnce() throws Exception {
        Path dir = Files.createTempDirectory("calloutd-inspect-");
        try (LabTopology lab = LabTopology.create();
             DaemonProcess daemon = DaemonProcess.startGateway(lab, null, "--config",
                     LabSupport.policy(dir, policy(LabTopology.SERVER_V4, 0)).toString())) {
            Traffic.TcpResult down = Traffic.tcpDownload(lab.client(), lab.server(), LabTopology.SERVER_V4, 5301, 1_000_000);
            assertThat(down.intact()).as("1 MB from the watched server; log:\n" + daemon.log()).isTrue();
            Traffic.TcpResult fromOutside = Traffic.tcpDownload(lab.server(), lab.client(), LabTopology.CLIENT_V4, 5302, 200_000);
            assertThat(fromOutside.intact()).as("connection from the watched address").isTrue();
            Traffic.UdpResult udp = Traffic.udpEcho(lab.client(), lab.server(), LabTopology.SERVER_V4, 5303, 50, 512);
            assertThat(udp.echoedIntact()).isEqualTo(50);
            assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V4, 5, 56)).isEqualTo(5);
            Thread.sleep(600);
            StatsSnapshot s = daemon.stats();
            Map<String, Object> st = LabSupport.status(s, "watch");
            long absorbed = num(st, "absorbedOut") + num(st, "absorbedIn");
            assertThat(num(st, "reinjectedOut")).isEqualTo(num(st, "absorbedOut"));
            assertThat(num(st, "reinjectedIn")).isEqualTo(num(st, "absorbedIn"));
            assertThat(absorbed).isGreaterThan(700 + 100 + 10); // ≥ 1 MB in ≤1500-byte segments, the echoes, the pings
            assertThat(num(st, "injectFailures")).isZero();
            assertThat(num(st, "blockedDrops")).isZero();
            assertThat(num(st, "queueFullDrops")).isZero();
            assertThat(num(st, "inFlight")).isZero();
            assertThat(num(st, "bytesInspectedIn")).isGreaterThan(1_000_000); // the download's payload came back in
            // Every reinjected copy was seen again and let through: exactly once, no loop (check 31).
            assertThat(num(st, "selfInjectedPermitted")).isGreaterThanOrEqualTo(absorbed);
            assertThat(s.injections().get("accepted")).isEqualTo(absorbed);
            assertThat(s.injections().get("refused")).isZero();
            assertThat(s.unaccounted()).isZero();
            assertThat(daemon.stop()).isZero();
        } finally {
            LabSupport.delete(dir);
        }
    }

    @Test
    void check69_block_connectsToAndFromTheWatchedAddressFailSilentlyOtherAddressesWork() throws Exception {
        Path dir = Files.createTempDirectory("calloutd-inspect-");
        try (LabTopology lab = LabTopology.create()) {
            lab.ipIn(lab.server(), "addr", "add", WATCHED_2 + "/24", "dev", "eth0");
            try (DaemonProcess daemon = DaemonProcess.startGateway(lab, null, "--config",
                    LabSupport.policy(dir, policy(WATCHED_2, 1)).toString())) {
                assertThat(LabSupport.connects(lab.client(), null, lab.server(), WATCHED_2, 5311, 2000))
                        .as("connect to the watched address").isFalse();
                assertThat(LabSupport.connects(lab.server(), WATCHED_2, lab.client(), LabTopology.CLIENT_V4, 5312, 2000))
                        .as("connect from the watched address").isFalse();
                assertThat(Traffic.ping(lab.client(), WATCHED_2, 2, 56)).isZero();
                // The other server address is untouched.
                assertThat(LabSupport.connects(lab.client(), null, lab.server(), LabTopology.SERVER_V4, 5313, 2000)).isTrue();
                Traffic.TcpResult down = Traffic.tcpDownload(lab.client(), lab.server(), LabTopology.SERVER_V4, 5314, 300_000);
                assertThat(down.intact()).isTrue();
                Thread.sleep(600);
                StatsSnapshot s = daemon.stats();
                Map<String, Object> st = LabSupport.status(s, "watch");
                assertThat(num(st, "connectsBlocked")).as(st.toString()).isGreaterThanOrEqualTo(2); // TCP (+ retries) and ping
                // SYNs from the watched address open flows: dropped silently at RECV_ACCEPT (check 47 keeps them
                // from being absorbed at INBOUND_TRANSPORT).
                assertThat(num(st, "acceptsDropped")).as("SYNs from the watched address").isGreaterThanOrEqualTo(1);
                assertThat(num(st, "blockedDrops")).isEqualTo(num(st, "absorbedIn") + num(st, "absorbedOut"));
                assertThat(num(st, "reinjectedIn") + num(st, "reinjectedOut")).isZero();
                assertThat(s.injections().get("accepted")).isZero();
                assertThat(s.unaccounted()).isZero();
                assertThat(daemon.stop()).isZero();
            }
        } finally {
            LabSupport.delete(dir);
        }
    }
}
