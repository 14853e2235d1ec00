package io.calloutd.callouts.stealth;

import static io.calloutd.callouts.testkit.Packets.ACK;
import static io.calloutd.callouts.testkit.Packets.RST;
import static io.calloutd.callouts.testkit.Packets.SYN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calloutd.callouts.testkit.Packets;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.Layer;
import io.calloutd.testkit.CalloutTestPath;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stealth: the host's RST / ICMP port unreachable for closed ports never leaves the gateway (checks 53, 54). */
class StealthCalloutTest {
    static final String HOST = "198.18.1.2", PEER = "198.18.2.2";
    final CalloutTestPath path = CalloutTestPath.create();

    @AfterEach
    void close() {
        path.close();
    }

    private StealthCallout start(Map<String, Object> params) throws Exception {
        StealthCallout c = (StealthCallout) new StealthFactory().create(params, path.services());
        path.register(c, FilterAction.CALLOUT_TERMINATING, Layer.INBOUND_TRANSPORT_V4_DISCARD, Layer.INBOUND_IPPACKET_V4_DISCARD);
        return c;
    }

    @Test
    void check53_resetFromAClosedPortIsSuppressed() throws Exception {
        StealthCallout c = start(Map.of());
        path.inbound(Packets.tcp(PEER, 5555, HOST, 23, SYN, 100, 0, 0));
        path.outbound(Packets.tcp(HOST, 23, PEER, 5555, RST | ACK, 0, 101, 0));
        assertThat(path.sent()).isEmpty();
        assertThat(c.status()).containsEntry("resetsSuppressed", 1L);
        assertThat(path.classifierCounters().resetsSuppressed()).isEqualTo(1);
        // An RST of an established connection is not a closed-port answer: it passes.
        path.outbound(Packets.tcp(HOST, 40000, PEER, 80, SYN, 1, 0, 0));
        path.inbound(Packets.tcp(PEER, 80, HOST, 40000, SYN | ACK, 100, 2, 0));
        byte[] rst = Packets.tcp(HOST, 40000, PEER, 80, RST | ACK, 2, 101, 0);
        path.outbound(rst);
        assertThat(path.sent()).hasSize(2).endsWith(rst);
    }

    @Test
    void check54_icmpPortUnreachableIsSuppressed() throws Exception {
        StealthCallout c = start(Map.of());
        byte[] datagram = Packets.udp(PEER, 5000, HOST, 9999, new byte[8]);
        path.inbound(datagram);
        path.outbound(Packets.portUnreachable(HOST, PEER, datagram));
        assertThat(path.sent()).isEmpty();
        assertThat(c.status()).containsEntry("icmpUnreachableSuppressed", 1L);
        assertThat(path.classifierCounters().icmpErrorsSuppressed()).isEqualTo(1);
    }

    @Test
    void kindsSwitchedOffStillAnswer() throws Exception {
        StealthCallout c = start(Map.of("tcp", false));
        path.inbound(Packets.tcp(PEER, 5555, HOST, 23, SYN, 100, 0, 0));
        byte[] rst = Packets.tcp(HOST, 23, PEER, 5555, RST | ACK, 0, 101, 0);
        path.outbound(rst);
        assertThat(path.sent()).containsExactly(rst);
        assertThat(c.status()).containsEntry("resetsSuppressed", 0L).containsEntry("otherIndications", 1L);
        assertThatThrownBy(() -> new StealthFactory().create(Map.of("tcp", false, "udp", false), path.services()))
                .hasMessageStartingWith("tcp:");
    }
}
