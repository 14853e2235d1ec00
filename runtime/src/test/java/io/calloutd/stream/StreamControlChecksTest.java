package io.calloutd.stream;

import static io.calloutd.stream.Segs.ACK;
import static io.calloutd.stream.Segs.FIN;
import static io.calloutd.stream.Segs.HOST_ISN;
import static io.calloutd.stream.Segs.PEER_ISN;
import static io.calloutd.stream.Segs.PSH;
import static io.calloutd.stream.Segs.RST;
import static io.calloutd.stream.Segs.fromHost;
import static io.calloutd.stream.Segs.fromPeer;
import static io.calloutd.stream.Segs.parseAll;
import static io.calloutd.stream.Segs.payloads;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.callout.CalloutStatus;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.FilterAction;
import io.calloutd.stream.Segs.Seg;
import io.calloutd.testkit.CalloutTestPath;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DEFER/continue, FIN indication and DROP_CONNECTION (checks 64–66) on real TCP/IPv4 segments. */
class StreamControlChecksTest {
    final CalloutTestPath h = CalloutTestPath.create();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void check64_deferClosesTheInboundWindowUntilContinuedFromOutsideClassify() throws Exception {
        List<String> seen = new ArrayList<>();
        AtomicReference<CalloutStatus> insideContinue = new AtomicReference<>();
        AtomicReference<StreamControl> control = new AtomicReference<>();
        AtomicLong flowId = new AtomicLong();
        UUID key = Segs.streamCallout(h, (in, ctx, f, out) -> {
            StreamCalloutIo io = (StreamCalloutIo) ctx.layerData();
            seen.add((io.isInbound() ? "in:" : "out:") + io.asText());
            control.set(io.control());
            flowId.set(io.flowId());
            if (seen.size() == 1) {
                io.setStreamAction(StreamAction.DEFER);
                insideContinue.set(io.control().continueStream(io.flowId(), f.calloutKey(), StreamFlags.RECEIVE));
            } else if (!io.isInbound()) {
                io.setStreamAction(StreamAction.DEFER); // illegal outbound: rejected, the data is permitted
            } else {
                out.permit();
            }
        }, FilterAction.CALLOUT_TERMINATING, null);
        Segs.handshake(h);
        int mark = h.received().size(), sentMark = h.sent().size();
        h.inbound(fromPeer(ACK | PSH, PEER_ISN + 1, HOST_ISN + 1, "hello"));
        assertThat(insideContinue.get()).isEqualTo(CalloutStatus.INVALID_PARAMETER);
        assertThat(payloads(parseAll(h.received(), mark))).isEmpty();
        assertThat(h.classifier().stream().counters().defers()).isEqualTo(1);

        // The host's ACKs reach the peer with the window closed and nothing of "hello" acknowledged.
        h.outbound(fromHost(ACK, HOST_ISN + 1, PEER_ISN + 1, null));
        Seg ack = Segs.parse(h.sent().get(sentMark));
        assertThat(ack.window()).isZero();
        assertThat(ack.ack()).isEqualTo(PEER_ISN + 1);

        // Outbound DEFER is rejected: the data goes out.
        h.outbound(fromHost(ACK | PSH, HOST_ISN + 1, PEER_ISN + 1, "out"));
        assertThat(h.classifier().stream().counters().deferRejected()).isEqualTo(1);
        List<Seg> sent = parseAll(h.sent(), sentMark + 1);
        assertThat(payloads(sent)).isEqualTo("out");
        assertThat(sent.get(0).window()).isZero();

        Thread t = new Thread(() -> assertThat(control.get().continueStream(flowId.get(), key, StreamFlags.RECEIVE))
                .isEqualTo(CalloutStatus.SUCCESS));
        t.start();
        t.join();
        assertThat(h.runPacketThreadUntil(() -> h.classifier().stream().counters().continues() == 1, 5000)).isTrue();
        assertThat(seen).containsExactly("in:hello", "out:out", "in:hello");
        List<Seg> delivered = parseAll(h.received(), mark).stream().filter(s -> !s.payload().isEmpty()).toList();
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).payload()).isEqualTo("hello");
        assertThat(delivered.get(0).seq()).isEqualTo(PEER_ISN + 1);
        assertThat(delivered.get(0).ack()).isEqualTo(HOST_ISN + 1); // the peer has not acknowledged "out" yet
        // A window update reopens the window toward the peer.
        Seg update = Segs.parse(h.sent().get(h.sent().size() - 1));
        assertThat(update.payload()).isEmpty();
        assertThat(update.window()).isEqualTo(8192);
        assertThat(update.seq()).isEqualTo(HOST_ISN + 4);
    }

    @Test
    void check65_peerFinIsAZeroLengthDisconnectIndicationWithNoMoreData() throws Exception {
        List<int[]> seen = new ArrayList<>();
        Segs.streamCallout(h, (in, ctx, f, out) -> {
            StreamCalloutIo io = (StreamCalloutIo) ctx.layerData();
            seen.add(new int[] {io.dataLength(), io.streamFlags(), out.flags()});
            out.permit();
        }, FilterAction.CALLOUT_TERMINATING, null);
        Segs.handshake(h);
        h.inbound(fromPeer(ACK | PSH, PEER_ISN + 1, HOST_ISN + 1, "bye"));
        int mark = h.received().size();
        h.inbound(fromPeer(ACK | FIN, PEER_ISN + 4, HOST_ISN + 1, null));

        assertThat(seen).hasSize(2);
        assertThat(seen.get(1)).containsExactly(0, StreamFlags.RECEIVE | StreamFlags.RECEIVE_DISCONNECT,
                ClassifyOut.FLAG_NO_MORE_DATA);
        List<Seg> segs = parseAll(h.received(), mark);
        assertThat(segs).hasSize(1);
        assertThat(segs.get(0).flags()).isEqualTo(ACK | FIN);
        assertThat(segs.get(0).seq()).isEqualTo(PEER_ISN + 4);
        assertThat(segs.get(0).payload()).isEmpty();
    }

    private int dropConnectionBehind(FilterAction action) throws Exception {
        Segs.streamCallout(h, (in, ctx, f, out) -> {
            ((StreamCalloutIo) ctx.layerData()).setStreamAction(StreamAction.DROP_CONNECTION);
        }, action, null);
        Segs.handshake(h);
        h.inbound(fromPeer(ACK | PSH, PEER_ISN + 1, HOST_ISN + 1, "data"));
        return h.received().size();
    }

    @Test
    void check66_dropConnectionBehindInspectionIsIgnored() throws Exception {
        int n = dropConnectionBehind(FilterAction.CALLOUT_INSPECTION);
        assertThat(h.classifier().stream().counters().connectionsDropped()).isZero();
        assertThat(Segs.parse(h.received().get(n - 1)).payload()).isEqualTo("data");
    }

    @Test
    void check66_dropConnectionBehindUnknownResetsBothEnds() throws Exception {
        int n = dropConnectionBehind(FilterAction.CALLOUT_UNKNOWN);
        assertDropped(n);
    }

    @Test
    void check66_dropConnectionBehindTerminatingResetsBothEnds() throws Exception {
        int n = dropConnectionBehind(FilterAction.CALLOUT_TERMINATING);
        assertDropped(n);
    }

    private void assertDropped(int received) {
        assertThat(h.classifier().stream().counters().connectionsDropped()).isEqualTo(1);
        Seg toHost = Segs.parse(h.received().get(received - 1));
        assertThat(toHost.has(RST)).isTrue();
        assertThat(toHost.seq()).isEqualTo(PEER_ISN + 1);
        Seg toPeer = Segs.parse(h.sent().get(h.sent().size() - 1));
        assertThat(toPeer.has(RST)).isTrue();
        assertThat(toPeer.seq()).isEqualTo(HOST_ISN + 1);
        h.inbound(fromPeer(ACK | PSH, PEER_ISN + 5, HOST_ISN + 1, "more"));
        assertThat(h.received()).hasSize(received);
        assertThat(h.classifier().counters().killedFlowDrops()).isEqualTo(1); // the flow was killed: dropped before the stream
    }
}
