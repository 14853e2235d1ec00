package io.calloutd.callouts.basicinjection;

import static io.calloutd.callouts.testkit.Packets.ACK;
import static io.calloutd.callouts.testkit.Packets.PSH;
import static io.calloutd.callouts.testkit.Packets.SYN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calloutd.callout.RegisteredCallout;
import io.calloutd.callouts.testkit.Packets;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.Layer;
import io.calloutd.fragment.FragmentationResult;
import io.calloutd.fragment.Fragmenter;
import io.calloutd.testkit.CalloutTestPath;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** WFPSampler BASIC_PACKET_INJECTION on real packets (§7.5, check 72). */
class BasicInjectionCalloutTest {
    static final String HOST = "198.18.1.2", PEER = "198.18.2.2";

    final CalloutTestPath path = CalloutTestPath.create();
    BasicInjectionCallout callout;

    @AfterEach
    void close() {
        if (callout != null) callout.close();
        path.close();
    }

    private RegisteredCallout start(String mode, Layer... layers) throws Exception {
        callout = (BasicInjectionCallout) new BasicInjectionFactory().create(Map.of("mode", mode), path.services());
        return path.register(callout, FilterAction.CALLOUT_TERMINATING, layers);
    }

    static final byte[][] OUT = {
        Packets.tcp(HOST, 40000, PEER, 80, SYN, 1, 0, 0),
        Packets.tcp(HOST, 40000, PEER, 80, ACK, 2, 101, 0),
        Packets.tcp(HOST, 40000, PEER, 80, ACK | PSH, 2, 101, 300),
        Packets.udp(HOST, 4000, PEER, 7000, new byte[] {1, 2, 3, 4}),
        Packets.echo(HOST, PEER, 3, 1, false),
    };
    static final byte[][] IN = {
        Packets.tcp(PEER, 80, HOST, 40000, SYN | ACK, 100, 2, 0),
        Packets.tcp(PEER, 80, HOST, 40000, ACK | PSH, 101, 302, 1000),
        Packets.udp(PEER, 7000, HOST, 4000, new byte[] {5, 6, 7}),
        Packets.echo(PEER, HOST, 3, 1, true),
    };

    /** Plays the exchange, each packet waiting for the previous one's reinjection (as real peers would). */
    private void exchange() throws Exception {
        int[] order = {0, -1, 1, 2, -2, 3, -3, 4, -4};
        int sent = 0, received = 0;
        for (int k : order) {
            if (k >= 0) {
                path.outbound(OUT[k]);
                sent++;
            } else {
                path.inbound(IN[-k - 1]);
                received++;
            }
            int s = sent, r = received;
            assertThat(path.runPacketThreadUntil(() -> callout.inFlight() == 0 && path.sent().size() == s
                    && path.received().size() == r, 5000)).as("delivered; " + callout.status()).isTrue();
        }
    }

    @Test
    void check72_atInboundIpPacketEveryPacketStillArrivesAndIsClassifiedTwice() throws Exception {
        RegisteredCallout reg = start("inline", Layer.INBOUND_IPPACKET_V4);
        exchange();
        assertThat(path.received()).containsExactly(IN);
        assertThat(path.sent()).containsExactly(OUT); // outbound never went near the callout
        assertThat(reg.timing().invocations()).isEqualTo(2L * IN.length);
        assertThat(callout.status()).containsEntry("originals", 4L).containsEntry("selfInjected", 4L)
                .containsEntry("injected", 4L).containsEntry("injectFailures", 0L).containsEntry("completionFailures", 0L)
                .containsEntry("leftAlone", 0L).containsEntry("inFlight", 0L);
        assertThat(callout.originals(Layer.INBOUND_IPPACKET_V4)).isEqualTo(4);
        assertThat(path.counters().injectionsAccepted()).isEqualTo(4);
        assertThat(path.counters().dropsByVerdict()).isEqualTo(4); // the absorbed originals
        assertThat(path.counters().unaccounted()).isZero();
    }

    @Test
    void atSeveralLayersAPacketIsTakenOverOnceAtTheFirstAndSeenAsSelfInjectedAtTheRest() throws Exception {
        RegisteredCallout reg = start("inline", Layer.INBOUND_IPPACKET_V4, Layer.OUTBOUND_IPPACKET_V4,
                Layer.INBOUND_TRANSPORT_V4, Layer.OUTBOUND_TRANSPORT_V4, Layer.DATAGRAM_DATA_V4);
        exchange();
        assertThat(path.received()).containsExactly(IN);
        assertThat(path.sent()).containsExactly(OUT);
        // Inbound: INBOUND_IPPACKET comes first. Outbound: DATAGRAM_DATA (UDP and ICMP, the non-TCP protocols), then
        // OUTBOUND_TRANSPORT (TCP).
        assertThat(callout.originals(Layer.INBOUND_IPPACKET_V4)).isEqualTo(4);
        assertThat(callout.originals(Layer.INBOUND_TRANSPORT_V4)).isZero();
        assertThat(callout.originals(Layer.DATAGRAM_DATA_V4)).isEqualTo(2);
        assertThat(callout.originals(Layer.OUTBOUND_TRANSPORT_V4)).isEqualTo(3);
        assertThat(callout.originals(Layer.OUTBOUND_IPPACKET_V4)).isZero();
        // The reinjected copies cross the layers again as INJECTED_BY_SELF: inbound 4 x (IP packet, transport) + UDP and
        // ICMP at DATAGRAM_DATA; outbound TCP 3 x (transport, IP packet); UDP and ICMP 2 x (datagram, transport, IP packet).
        assertThat(callout.status()).containsEntry("originals", 9L).containsEntry("selfInjected", 22L)
                .containsEntry("injectFailures", 0L).containsEntry("completionFailures", 0L);
        assertThat(reg.timing().invocations()).isEqualTo(9L + 22L);
        // TCP injected from OUTBOUND_TRANSPORT was moved off the classify stack by the runtime (§4.6 P3).
        assertThat(path.runtime().injector().deferredInjections()).isEqualTo(3);
        assertThat(path.counters().unaccounted()).isZero();
    }

    @Test
    void deferredModeInjectsFromTheWorkerWithTheSameResult() throws Exception {
        RegisteredCallout reg = start("deferred", Layer.INBOUND_IPPACKET_V4, Layer.OUTBOUND_IPPACKET_V4);
        exchange();
        assertThat(path.received()).containsExactly(IN);
        assertThat(path.sent()).containsExactly(OUT);
        assertThat(reg.timing().invocations()).isEqualTo(2L * (IN.length + OUT.length));
        assertThat(callout.status()).containsEntry("originals", 9L).containsEntry("selfInjected", 9L)
                .containsEntry("mode", "deferred");
    }

    @Test
    void fragmentsAndReassembledDatagramsAreLeftAlone() throws Exception {
        start("inline", Layer.INBOUND_IPPACKET_V4);
        byte[] datagram = Packets.udp(PEER, 5000, HOST, 6000, new byte[4000]);
        List<ByteBuf> pieces = new ArrayList<>();
        FragmentationResult r = new Fragmenter(PooledByteBufAllocator.DEFAULT).fragmentV4(Unpooled.wrappedBuffer(datagram), 1100, 1100, pieces);
        assertThat(r.outcome()).isEqualTo(FragmentationResult.Outcome.FRAGMENTED);
        List<byte[]> fragments = new ArrayList<>();
        for (ByteBuf piece : pieces) {
            fragments.add(ByteBufUtil.getBytes(piece));
            path.inbound(ByteBufUtil.getBytes(piece));
            piece.release();
        }
        path.drain(20);
        assertThat(path.received()).containsExactlyElementsOf(fragments); // refragmented as they came
        assertThat(callout.status()).containsEntry("originals", 0L).containsEntry("leftAlone", 9L);
    }

    @Test
    void modeIsChecked() {
        assertThatThrownBy(() -> new BasicInjectionFactory().create(Map.of("mode", "fast"), path.services()))
                .hasMessageStartingWith("mode: expected one of inline, deferred");
    }
}
