package io.calloutd.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.daemon.StatsSnapshot;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * TCP through the daemon with the TUN offloads on (super-frames classified once and passed back whole, or
 * segmented in software for the raw socket) and off: every byte arrives intact in both directions, and the
 * counters show which way the frames went.
 */
class GsoLabIT {
    private static final Path JAR = Path.of(System.getProperty("calloutd.jar", "runtime/target/calloutd.jar"));
    private static final long BYTES = 32L << 20;

    /** Download (server to client: inbound data) and upload (client to server: outbound data), IPv4 and IPv6. */
    private static void transfersAreIntact(LabTopology lab, int port) throws Exception {
        Traffic.TcpResult down = Traffic.tcpDownload(lab.client(), lab.server(), LabTopology.SERVER_V4, port, BYTES);
        assertThat(down.bytesReceived()).isEqualTo(BYTES);
        assertThat(down.receivedSha256()).as("download sha256").isEqualTo(down.sentSha256());
        // Roles swapped: the listener (the sender) is in the client namespace, so the data is outbound.
        Traffic.TcpResult up = Traffic.tcpDownload(lab.server(), lab.client(), LabTopology.CLIENT_V4, port + 1, BYTES);
        assertThat(up.bytesReceived()).isEqualTo(BYTES);
        assertThat(up.receivedSha256()).as("upload sha256").isEqualTo(up.sentSha256());
        Traffic.TcpResult up6 = Traffic.tcpDownload(lab.server(), lab.client(), LabTopology.CLIENT_V6, port + 2, BYTES / 4);
        assertThat(up6.intact()).as("IPv6 upload intact").isTrue();
        Traffic.TcpResult down6 = Traffic.tcpDownload(lab.client(), lab.server(), LabTopology.SERVER_V6, port + 3, BYTES / 4);
        assertThat(down6.intact()).as("IPv6 download intact").isTrue();
    }

    private static StatsSnapshot quietStats(DaemonProcess daemon) throws Exception {
        Thread.sleep(600); // stats are rewritten every 200 ms
        StatsSnapshot s = daemon.stats();
        assertThat(s.dropsMalformed()).isZero();
        assertThat(s.dropsGso()).as("GSO drops %s", s.drops()).isZero();
        assertThat(s.dropsInjectionFailed()).isZero();
        assertThat(s.receiverErrors()).isZero();
        assertThat(s.unaccounted()).as("every frame reinjected or counted").isZero();
        return s;
    }

    @Test
    void withOffloadsSuperFramesCrossWholeBothWays() throws Exception {
        try (LabTopology lab = LabTopology.create(); DaemonProcess daemon = DaemonProcess.startGateway(lab, JAR)) {
            transfersAreIntact(lab, 7001);
            StatsSnapshot s = quietStats(daemon);
            assertThat(s.offloads()).contains("csum", "tso4", "tso6");
            assertThat(s.gsoSuperFrames()).as("super-frames read").isGreaterThan(0);
            assertThat(s.gsoPassedWhole()).as("super-frames passed back whole").isGreaterThan(0);
            assertThat(s.gsoSegmented()).as("nothing needed software segmentation").isZero();
            assertThat(s.reinjectedSendPath()).as("outbound via the TUN, not the raw socket").isZero();
            // Far fewer frames than 1500-byte packets: 2 x 32 MiB + 2 x 8 MiB would be ~55 000 of those.
            assertThat(s.packetsIn()).as("frames read").isLessThan(40_000);
            assertThat(daemon.stop()).isZero();
        }
    }

    @Test
    void theRawSocketPathGetsSoftwareSegments() throws Exception {
        try (LabTopology lab = LabTopology.create();
             DaemonProcess daemon = DaemonProcess.startGateway(lab, JAR, "--outbound-injection", "SEND")) {
            transfersAreIntact(lab, 7101);
            StatsSnapshot s = quietStats(daemon);
            assertThat(s.gsoSegmented()).as("outbound super-frames segmented for the raw socket").isGreaterThan(0);
            assertThat(s.gsoSegments()).isGreaterThan(s.gsoSegmented());
            assertThat(s.gsoPassedWhole()).as("inbound super-frames still whole").isGreaterThan(0);
            assertThat(s.reinjectedSendPath()).isGreaterThan(0);
        }
    }

    @Test
    void withoutOffloadsEverythingIsOneMtuAtATime() throws Exception {
        try (LabTopology lab = LabTopology.create(); DaemonProcess daemon = DaemonProcess.startGateway(lab, JAR, "--no-offload")) {
            transfersAreIntact(lab, 7201);
            StatsSnapshot s = quietStats(daemon);
            assertThat(s.offloads()).isEmpty();
            assertThat(s.gsoSuperFrames()).isZero();
            assertThat(s.reinjectedSendPath()).as("without vnet header outbound uses the raw socket").isGreaterThan(0);
            assertThat(s.packetsIn()).as("1500-byte packets").isGreaterThan(50_000);
        }
    }
}
