package io.calloutd.stream;

import static io.calloutd.stream.Segs.ACK;
import static io.calloutd.stream.Segs.FIN;
import static io.calloutd.stream.Segs.HOST_ISN;
import static io.calloutd.stream.Segs.PEER_ISN;
import static io.calloutd.stream.Segs.PSH;
import static io.calloutd.stream.Segs.fromHost;
import static io.calloutd.stream.Segs.fromPeer;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.callout.CalloutRegistration;
import io.calloutd.callout.CalloutStatus;
import io.calloutd.callout.RegisteredCallout;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.Layer;
import io.calloutd.flow.CloseReason;
import io.calloutd.flow.Flow;
import io.calloutd.flow.FlowState;
import io.calloutd.stream.Segs.Seg;
import io.calloutd.testkit.CalloutTestPath;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection whose stream was edited (length changed, §6.7 b) closes on its FIN / FIN-ACK / ACK exchange exactly
 * like an unedited one: the flow table compares each FIN with its acknowledgement in the FIN sender's numbering,
 * so ENDPOINT_CLOSURE and flowDelete run at the last ACK (not at a LAST_ACK timeout, nor before the FIN is acked).
 */
class EditedConnectionCloseTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final CalloutTestPath h = CalloutTestPath.builder().clock(clock::get).build();
    private final List<Long> deleted = new CopyOnWriteArrayList<>();
    private final AtomicInteger closures = new AtomicInteger();

    @AfterEach
    void close() {
        h.close();
    }

    /** The editing callout, and one that associates a context at FLOW_ESTABLISHED and counts ENDPOINT_CLOSURE. */
    private void setUp(String find, String replace) throws Exception {
        Segs.streamCallout(h, new InlineReplacer(find, replace), FilterAction.CALLOUT_TERMINATING, null);
        AtomicInteger id = new AtomicInteger();
        List<CalloutStatus> associated = new ArrayList<>();
        RegisteredCallout reg = h.register(CalloutRegistration.builder(UUID.randomUUID()).name("closure")
                .classify((in, ctx, f, out) -> {
                    if (ctx.layer() == Layer.ALE_FLOW_ESTABLISHED_V4) {
                        associated.add(h.runtime().registry().associateContext(ctx, Layer.STREAM_V4, id.get(), 7));
                    } else {
                        closures.incrementAndGet();
                    }
                }).flowDelete((layer, callout, context) -> deleted.add(context)).build(),
                FilterAction.CALLOUT_INSPECTION, Layer.ALE_FLOW_ESTABLISHED_V4, Layer.ALE_ENDPOINT_CLOSURE_V4);
        id.set(reg.id());
        Segs.handshake(h);
        assertThat(associated).containsExactly(CalloutStatus.SUCCESS);
    }

    private Flow flow() {
        List<Flow> all = new ArrayList<>();
        h.classifier().flows().forEach(10, all::add);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private Seg lastReceived() {
        return Segs.parse(h.received().get(h.received().size() - 1));
    }

    private Seg lastSent() {
        return Segs.parse(h.sent().get(h.sent().size() - 1));
    }

    /** The flow ended by FIN right now; after TIME_WAIT the table is empty and the stream forgot the connection. */
    private void assertClosedByFin() {
        Flow f = flow();
        assertThat(f.closeReason()).isEqualTo(CloseReason.FIN);
        assertThat(f.state()).isEqualTo(FlowState.TCP_TIME_WAIT);
        assertThat(closures).hasValue(1);
        assertThat(h.classifierCounters().endpointClosures()).isEqualTo(1);
        assertThat(deleted).containsExactly(7L);
        h.classifier().stream().sweep();
        assertThat(h.classifier().stream().engagedConnections()).isZero();
        clock.addAndGet(121_000_000_000L); // TIME_WAIT (120 s) over: the lingering entry goes
        h.classifier().flows().expire(clock.get(), h.classifier().flows().slotCount());
        assertThat(h.classifier().flows().size()).isZero();
        assertThat(deleted).containsExactly(7L);
        assertThat(h.counters().unaccounted()).isZero();
    }

    @Test
    void shrunkStreamClosesOnThePeersFinExchange() throws Exception {
        setUp("sunny and warm", "rainy");
        h.inbound(fromPeer(ACK | PSH, PEER_ISN + 1, HOST_ISN + 1, "it is sunny and warm today")); // 26 in, 17 out
        Seg data = lastReceived();
        assertThat(data.payload()).isEqualTo("it is rainy today");
        assertThat(data.seq()).isEqualTo(PEER_ISN + 1);
        h.outbound(fromHost(ACK, HOST_ISN + 1, PEER_ISN + 18, null));
        assertThat(lastSent().ack()).isEqualTo(PEER_ISN + 27);

        h.inbound(fromPeer(ACK | FIN, PEER_ISN + 27, HOST_ISN + 1, null));
        Seg fin = lastReceived();
        assertThat(fin.has(FIN)).isTrue();
        assertThat(fin.seq()).isEqualTo(PEER_ISN + 18);
        assertThat(fin.ack()).isEqualTo(HOST_ISN + 1);
        assertThat(flow().state()).isEqualTo(FlowState.TCP_FIN_WAIT);

        h.outbound(fromHost(ACK | FIN, HOST_ISN + 1, PEER_ISN + 19, null)); // the host acks the edited FIN
        Seg finAck = lastSent();
        assertThat(finAck.has(FIN | ACK)).isTrue();
        assertThat(finAck.seq()).isEqualTo(HOST_ISN + 1);
        assertThat(finAck.ack()).isEqualTo(PEER_ISN + 28);
        assertThat(flow().state()).isEqualTo(FlowState.TCP_LAST_ACK); // the peer's FIN is acked, the host's is not
        assertThat(closures).hasValue(0);

        h.inbound(fromPeer(ACK, PEER_ISN + 28, HOST_ISN + 2, null));
        Seg last = lastReceived();
        assertThat(last.has(FIN)).isFalse();
        assertThat(last.seq()).isEqualTo(PEER_ISN + 19);
        assertThat(last.ack()).isEqualTo(HOST_ISN + 2);
        assertClosedByFin();
    }

    @Test
    void shrunkStreamClosesWhenTheHostClosesFirst() throws Exception {
        setUp("sunny and warm", "rainy");
        h.inbound(fromPeer(ACK | PSH, PEER_ISN + 1, HOST_ISN + 1, "sunny and warm")); // 14 in, 5 out
        assertThat(lastReceived().payload()).isEqualTo("rainy");
        h.outbound(fromHost(ACK | FIN, HOST_ISN + 1, PEER_ISN + 6, null));
        Seg hostFin = lastSent();
        assertThat(hostFin.has(FIN)).isTrue();
        assertThat(hostFin.seq()).isEqualTo(HOST_ISN + 1);
        assertThat(hostFin.ack()).isEqualTo(PEER_ISN + 15);

        h.inbound(fromPeer(ACK | FIN, PEER_ISN + 15, HOST_ISN + 2, null));
        Seg peerFin = lastReceived();
        assertThat(peerFin.has(FIN | ACK)).isTrue();
        assertThat(peerFin.seq()).isEqualTo(PEER_ISN + 6);
        assertThat(peerFin.ack()).isEqualTo(HOST_ISN + 2);
        assertThat(flow().state()).isEqualTo(FlowState.TCP_LAST_ACK);

        h.outbound(fromHost(ACK, HOST_ISN + 2, PEER_ISN + 7, null));
        Seg last = lastSent();
        assertThat(last.seq()).isEqualTo(HOST_ISN + 2);
        assertThat(last.ack()).isEqualTo(PEER_ISN + 16);
        assertClosedByFin();
    }

    @Test
    void grownStreamDoesNotCountADataAckAsTheFinsAck() throws Exception {
        setUp("rainy", "sunny and warm");
        h.inbound(fromPeer(ACK | PSH, PEER_ISN + 1, HOST_ISN + 1, "it is rainy")); // 11 in, 20 out
        assertThat(lastReceived().payload()).isEqualTo("it is sunny and warm");
        h.inbound(fromPeer(ACK | FIN, PEER_ISN + 12, HOST_ISN + 1, null));
        assertThat(lastReceived().seq()).isEqualTo(PEER_ISN + 21);

        // The host acknowledges the edited data but not yet the FIN: in the peer's numbering that is PEER_ISN + 12,
        // short of the FIN's PEER_ISN + 13, though the raw number (PEER_ISN + 21) is beyond it.
        h.outbound(fromHost(ACK, HOST_ISN + 1, PEER_ISN + 21, null));
        assertThat(lastSent().ack()).isEqualTo(PEER_ISN + 12);
        assertThat(flow().state()).isEqualTo(FlowState.TCP_FIN_WAIT);

        h.outbound(fromHost(ACK | FIN, HOST_ISN + 1, PEER_ISN + 22, null));
        Seg finAck = lastSent();
        assertThat(finAck.has(FIN | ACK)).isTrue();
        assertThat(finAck.seq()).isEqualTo(HOST_ISN + 1);
        assertThat(finAck.ack()).isEqualTo(PEER_ISN + 13);
        assertThat(closures).hasValue(0);

        h.inbound(fromPeer(ACK, PEER_ISN + 13, HOST_ISN + 2, null));
        Seg last = lastReceived();
        assertThat(last.seq()).isEqualTo(PEER_ISN + 22);
        assertThat(last.ack()).isEqualTo(HOST_ISN + 2);
        assertClosedByFin();
    }
}
