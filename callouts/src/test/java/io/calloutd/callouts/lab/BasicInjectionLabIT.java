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
 * WFPSampler BASIC_PACKET_INJECTION at INBOUND_IPPACKET_V4 without conditions, configured from a policy file in a
 * real gateway (check 72): TCP both ways, UDP echo and ping still work, and every inbound packet is classified twice
 * at that layer (the original, then its self-injected clone).
 */
class BasicInjectionLabIT {
    static final String POLICY = """
            callouts:
              - {id: inject, type: basic-injection}
            filters:
              - {id: inject-in, layer: INBOUND_IPPACKET_V4, action: CALLOUT_TERMINATING, callout: inject}
            """;

    @Test
    void check72_allInboundTrafficStillWorksAndEveryPacketIsClassifiedTwice() throws Exception {
        Path dir = Files.createTempDirectory("calloutd-inject-");
        try (LabTopology lab = LabTopology.create();
             DaemonProcess daemon = DaemonProcess.startGateway(lab, null, "--config", LabSupport.policy(dir, POLICY).toString())) {
            Traffic.TcpResult down = Traffic.tcpDownload(lab.client(), lab.server(), LabTopology.SERVER_V4, 5331, 1_000_000);
            assertThat(down.intact()).as("1 MB download; log:\n" + daemon.log()).isTrue();
            Traffic.TcpResult fromOutside = Traffic.tcpDownload(lab.server(), lab.client(), LabTopology.CLIENT_V4, 5332, 200_000);
            assertThat(fromOutside.intact()).isTrue();
            assertThat(Traffic.udpEcho(lab.client(), lab.server(), LabTopology.SERVER_V4, 5333, 50, 512).echoedIntact()).isEqualTo(50);
            assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V4, 5, 56)).isEqualTo(5);
            assertThat(Traffic.ping(lab.server(), LabTopology.CLIENT_V4, 5, 56)).isEqualTo(5);
            Thread.sleep(600);
            StatsSnapshot s = daemon.stats();
            Map<String, Object> st = LabSupport.status(s, "inject");
            long originals = num(st, "originals");
            assertThat(originals).as(st.toString()).isGreaterThan(700 + 50 + 10);
            assertThat(num(st, "selfInjected")).isEqualTo(originals);
            assertThat(num(st, "injected")).isEqualTo(originals);
            assertThat(num(st, "injectFailures") + num(st, "completionFailures") + num(st, "inFlight")).isZero();
            long leftAlone = num(st, "leftAlone");
            // The layer's own classification count: twice per packet (plus any fragment left alone), and the callout
            // was invoked for every one of them (the filter has no conditions).
            long classified = s.layers().get("INBOUND_IPPACKET_V4").get("classifications");
            assertThat(classified).isEqualTo(2 * originals + leftAlone);
            assertThat(s.callouts().get("inject").get("invocations")).isEqualTo(classified);
            assertThat(s.injections().get("accepted")).isEqualTo(originals);
            assertThat(s.injections().get("refused")).isZero();
            assertThat(s.unaccounted()).isZero();
            assertThat(daemon.stop()).isZero();
        } finally {
            LabSupport.delete(dir);
        }
    }
}
