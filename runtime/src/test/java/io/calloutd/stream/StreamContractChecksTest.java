package io.calloutd.stream;

import static io.calloutd.stream.Segs.ACK;
import static io.calloutd.stream.Segs.FIN;
import static io.calloutd.stream.Segs.HOST_ISN;
import static io.calloutd.stream.Segs.PEER_ISN;
import static io.calloutd.stream.Segs.PSH;
import static io.calloutd.stream.Segs.fromHost;
import static io.calloutd.stream.Segs.fromPeer;
import static io.calloutd.stream.Segs.parseAll;
import static io.calloutd.stream.Segs.payloads;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.callout.CalloutStatus;
import io.calloutd.engine.ActionType;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.Sublayer;
import io.calloutd.stream.Segs.Seg;
import io.calloutd.testkit.CalloutTestPath;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stream-layer contract of §6.2 / §1.6.5 (checks 59–63) on real TCP/IPv4 segments through the classifier and
 * pipeline: what callouts are indicated, and exactly which segments (bytes, numbers, pcap4j-verified checksums) leave.
 */
class StreamContractChecksTest {
    final CalloutTestPath h = CalloutTestPath.create();
    final List<Ind> seen = new ArrayList<>();

    /** One indication as a callout saw it. */
    record Ind(String data, int streamFlags, int classifyFlags, long missed) { }

    static Ind ind(StreamCalloutIo io, ClassifyOut out) {
        return new Ind(io.asText(), io.streamFlags(), out.flags(), io.missedBytes());
    }

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void check59_permitWithCountBytesEnforcedReindicatesTheRestAtOnce() throws Exception {
        Segs.streamCallout(h, (in, ctx, f, out) -> {
            StreamCalloutIo io = (StreamCalloutIo) ctx.layerData();
            seen.add(ind(io, out));
            out.permit();
            if (seen.size() == 1) io.setCountBytesEnforced(4);
        }, FilterAction.CALLOUT_TERMINATING, null);
        Segs.handshake(h);
        int mark = h.received().size();
        h.inbound(fromPeer(ACK | PSH, PEER_ISN + 1, HOST_ISN + 1, "0123456789"));

        assertThat(seen).containsExactly(new Ind("0123456789", StreamFlags.RECEIVE, 0, 0),
                new Ind("456789", StreamFlags.RECEIVE, 0, 0));
        List<Seg> segs = parseAll(h.received(), mark);
        assertThat(segs).hasSize(1);
        Seg s = segs.get(0);
        assertThat(s.payload()).isEqualTo("0123456789");
        assertThat(s.seq()).isEqualTo(PEER_ISN + 1);
        assertThat(s.ack()).isEqualTo(HOST_ISN + 1);
        assertThat(s.flags()).isEqualTo(ACK | PSH);
        assertThat(h.classifier().stream().counters().segmentsAbsorbed()).isEqualTo(1);
        assertThat(h.counters().unaccounted()).isZero();
    }

    @Test
    void check60_needMoreDataWaitsForTheRequiredBytes() throws Exception {
        Segs.streamCallout(h, (in, ctx, f, out) -> {
            StreamCalloutIo io = (StreamCalloutIo) ctx.layerData();
            seen.add(ind(io, out));
            if (io.dataLength() < 6) {
                io.setStreamAction(StreamAction.NEED_MORE_DATA);
                io.setCountBytesRequired(6);
                out.setActionType(ActionType.NONE);
            } else {
                out.permit();
            }
        }, FilterAction.CALLOUT_TERMINATING, null);
        Segs.handshake(h);
        int mark = h.received().size();
        h.inbound(fromPeer(ACK, PEER_ISN + 1, HOST_ISN + 1, "abcd"));
        h.inbound(fromPeer(ACK, PEER_ISN + 5, HOST_ISN + 1, "e"));
        assertThat(seen).extracting(Ind::data).containsExactly("abcd");
        assertThat(payloads(parseAll(h.received(), mark))).isEmpty();
        h.inbound(fromPeer(ACK, PEER_ISN + 6, HOST_ISN + 1, "f"));

        assertThat(seen).extracting(Ind::data).containsExactly("abcd", "abcdef");
        List<Seg> data = parseAll(h.received(), mark).stream().filter(s -> !s.payload().isEmpty()).toList();
        assertThat(data).hasSize(1);
        assertThat(data.get(0).payload()).isEqualTo("abcdef");
        assertThat(data.get(0).seq()).isEqualTo(PEER_ISN + 1);
    }

    @Test
    void check60_bufferLimitReachedForcesADecisionAndRejectsNeedMoreData() throws Exception {
        h.classifier().stream().config(new StreamConfig(64, 65536, 1500, 4));
        Segs.streamCallout(h, (in, ctx, f, out) -> {
            StreamCalloutIo io = (StreamCalloutIo) ctx.layerData();
            seen.add(ind(io, out));
            io.setStreamAction(StreamAction.NEED_MORE_DATA);
            io.setCountBytesRequired(1000);
        }, FilterAction.CALLOUT_TERMINATING, null);
        Segs.handshake(h);
        int mark = h.received().size();
        String a = "a".repeat(32), b = "b".repeat(32);
        h.inbound(fromPeer(ACK, PEER_ISN + 1, HOST_ISN + 1, a));
        h.inbound(fromPeer(ACK, PEER_ISN + 33, HOST_ISN + 1, b));

        assertThat(seen).hasSize(2);
        assertThat(seen.get(0).classifyFlags() & ClassifyOut.FLAG_BUFFER_LIMIT_REACHED).isZero();
        assertThat(seen.get(1).classifyFlags() & ClassifyOut.FLAG_BUFFER_LIMIT_REACHED).isNotZero();
        assertThat(h.classifier().stream().counters().needMoreDataRejected()).isEqualTo(1);
        assertThat(payloads(parseAll(h.received(), mark))).isEqualTo(a + b); // documented fallback: permit
        h.inbound(fromPeer(ACK, PEER_ISN + 65, HOST_ISN + 1, "c".repeat(65)));
        assertThat(h.classifier().stream().counters().dropBufferFull()).isEqualTo(1); // more than the limit at once: dropped, counted
    }

    @Test
    void check61_needMoreDataWithNoMoreDataIsRejectedAndTheDataPermitted() throws Exception {
        Segs.streamCallout(h, (in, ctx, f, out) -> {
            StreamCalloutIo io = (StreamCalloutIo) ctx.layerData();
            seen.add(ind(io, out));
            io.setStreamAction(StreamAction.NEED_MORE_DATA);
            io.setCountBytesRequired(100);
        }, FilterAction.CALLOUT_TERMINATING, null);
        Segs.handshake(h);
        int mark = h.received().size();
        h.inbound(fromPeer(ACK | FIN, PEER_ISN + 1, HOST_ISN + 1, "xyz"));

        assertThat(seen).containsExactly(
                new Ind("xyz", StreamFlags.RECEIVE, ClassifyOut.FLAG_NO_MORE_DATA, 0),
                new Ind("", StreamFlags.RECEIVE | StreamFlags.RECEIVE_DISCONNECT, ClassifyOut.FLAG_NO_MORE_DATA, 0));
        assertThat(h.classifier().stream().counters().needMoreDataRejected()).isEqualTo(2);
        List<Seg> segs = parseAll(h.received(), mark);
        assertThat(segs).hasSize(1);
        assertThat(segs.get(0).payload()).isEqualTo("xyz");
        assertThat(segs.get(0).flags()).isEqualTo(ACK | FIN); // PSH only where the sender pushed
        assertThat(segs.get(0).seq()).isEqualTo(PEER_ISN + 1);
    }

    @Test
    void check62_bytesBlockedAboveAreMissedBelowAndAcksTranslated() throws Exception {
        Sublayer hi = h.engine().addSublayer(Sublayer.of("hi", 0x40)), lo = h.engine().addSublayer(Sublayer.of("lo", 0x20));
        List<Ind> upper = new ArrayList<>();
        Segs.streamCallout(h, (in, ctx, f, out) -> {
            StreamCalloutIo io = (StreamCalloutIo) ctx.layerData();
            upper.add(ind(io, out));
            if (upper.size() == 1) {
                out.block();
                io.setCountBytesEnforced(3);
            } else {
                out.permit();
            }
        }, FilterAction.CALLOUT_TERMINATING, hi);
        Segs.streamCallout(h, (in, ctx, f, out) -> {
            seen.add(ind((StreamCalloutIo) ctx.layerData(), out));
            out.permit();
        }, FilterAction.CALLOUT_TERMINATING, lo);
        Segs.handshake(h);
        int mark = h.received().size(), sentMark = h.sent().size();
        h.inbound(fromPeer(ACK, PEER_ISN + 1, HOST_ISN + 1, "abcdefgh"));
        h.inbound(fromPeer(ACK, PEER_ISN + 9, HOST_ISN + 1, "ijk"));

        assertThat(upper).extracting(Ind::data).containsExactly("abcdefgh", "defgh", "ijk");
        assertThat(seen).containsExactly(new Ind("defgh", StreamFlags.RECEIVE, 0, 3), new Ind("ijk", StreamFlags.RECEIVE, 0, 0));
        List<Seg> segs = parseAll(h.received(), mark);
        assertThat(segs).extracting(Seg::payload).containsExactly("defgh", "ijk");
        assertThat(segs).extracting(Seg::seq).containsExactly(PEER_ISN + 1, PEER_ISN + 6);
        // The host acknowledges the 8 bytes it got; the peer must see its 11 bytes acknowledged.
        h.outbound(fromHost(ACK, HOST_ISN + 1, PEER_ISN + 9, null));
        List<Seg> toPeer = parseAll(h.sent(), sentMark);
        assertThat(toPeer).hasSize(1);
        assertThat(toPeer.get(0).ack()).isEqualTo(PEER_ISN + 12);
        assertThat(toPeer.get(0).seq()).isEqualTo(HOST_ISN + 1);
    }

    @Test
    void check63_injectedBytesSkipTheInjectorAndReachLowerSublayersInOrder() throws Exception {
        Sublayer hi = h.engine().addSublayer(Sublayer.of("hi", 0x40)), lo = h.engine().addSublayer(Sublayer.of("lo", 0x20));
        List<Ind> upper = new ArrayList<>();
        AtomicLong flowId = new AtomicLong();
        AtomicReference<StreamControl> control = new AtomicReference<>();
        UUID upperKey = Segs.streamCallout(h, (in, ctx, f, out) -> {
            StreamCalloutIo io = (StreamCalloutIo) ctx.layerData();
            upper.add(ind(io, out));
            flowId.set(io.flowId());
            control.set(io.control());
            if (upper.size() == 1) {
                assertThat(io.inject("XY".getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(CalloutStatus.SUCCESS);
                out.permit();
            } else {
                out.block(); // out-of-band: keep it, inject an edited copy later
            }
        }, FilterAction.CALLOUT_TERMINATING, hi);
        Segs.streamCallout(h, (in, ctx, f, out) -> {
            seen.add(ind((StreamCalloutIo) ctx.layerData(), out));
            out.permit();
        }, FilterAction.CALLOUT_TERMINATING, lo);
        Segs.handshake(h);
        int mark = h.received().size();
        h.inbound(fromPeer(ACK, PEER_ISN + 1, HOST_ISN + 1, "abc"));
        h.inbound(fromPeer(ACK, PEER_ISN + 4, HOST_ISN + 1, "def"));
        Thread worker = new Thread(() -> control.get().inject(flowId.get(), upperKey, StreamFlags.RECEIVE,
                "DEF".getBytes(StandardCharsets.ISO_8859_1), 0, 3));
        worker.start();
        worker.join();
        assertThat(h.runPacketThreadUntil(() -> seen.size() == 2, 5000)).isTrue();

        assertThat(upper).extracting(Ind::data).containsExactly("abc", "def");
        assertThat(seen).extracting(Ind::data).containsExactly("XYabc", "DEF");
        List<Seg> segs = parseAll(h.received(), mark).stream().filter(s -> !s.payload().isEmpty()).toList();
        assertThat(payloads(segs)).isEqualTo("XYabcDEF");
        assertThat(segs).extracting(Seg::seq).containsExactly(PEER_ISN + 1, PEER_ISN + 6);
        assertThat(h.classifier().stream().counters().oobInjections()).isEqualTo(1);
    }
}
