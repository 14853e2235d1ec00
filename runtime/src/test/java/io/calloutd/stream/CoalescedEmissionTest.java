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

import io.calloutd.engine.FilterAction;
import io.calloutd.stream.Segs.Seg;
import io.calloutd.testkit.CalloutTestPath;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A growing edit on full-size segments: the emitted bytes fill segments of the observed MSS (1460 here: 1500-byte
 * packets without options) instead of spilling a small extra segment per input segment; a short tail still leaves
 * on a push, a FIN, a short input segment, or once the receiver acknowledged everything sent.
 */
class CoalescedEmissionTest {
    private static final int MSS = 1460;
    final CalloutTestPath h = CalloutTestPath.create();
    int mark;

    @BeforeEach
    void setUp() throws Exception {
        Segs.streamCallout(h, new InlineReplacer("rainy", "sunny and warm"), FilterAction.CALLOUT_TERMINATING, null);
        Segs.handshake(h);
        mark = h.received().size();
    }

    @AfterEach
    void close() {
        h.close();
    }

    private List<Seg> dataToHost() {
        return parseAll(h.received(), mark).stream().filter(s -> !s.payload().isEmpty() || s.has(FIN)).toList();
    }

    /** A full-size segment with one "rainy" in its middle (it grows by 9 bytes). */
    private static String chunk(int i) {
        String head = String.format("%05d", i);
        return head + "x".repeat(700) + "rainy" + "y".repeat(MSS - 710);
    }

    private static void assertContiguous(List<Seg> segs, int firstSeq) {
        long seq = firstSeq;
        for (Seg s : segs) {
            assertThat(s.seq()).isEqualTo((int) seq);
            assertThat(s.ack()).isEqualTo(HOST_ISN + 1);
            seq += s.payload().length() + (s.has(FIN) ? 1 : 0);
        }
    }

    @Test
    void fullSegmentsWithAGrowingEditFillTheMssInsteadOfSpillingSmallSegments() {
        int n = 50;
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String c = chunk(i);
            h.inbound(fromPeer(ACK | (i == n - 1 ? PSH : 0), PEER_ISN + 1 + i * MSS, HOST_ISN + 1, c));
            in.append(c);
        }
        String expected = in.toString().replace("rainy", "sunny and warm");
        assertThat(expected).hasSize(n * (MSS + 9));
        List<Seg> segs = dataToHost();
        assertThat(payloads(segs)).isEqualTo(expected);
        int ideal = (expected.length() + MSS - 1) / MSS; // 51
        assertThat(segs).hasSizeLessThanOrEqualTo(ideal + 1);
        assertThat(segs.subList(0, segs.size() - 1)).allSatisfy(s -> assertThat(s.payload()).hasSize(MSS));
        assertThat(segs.get(segs.size() - 1).has(PSH)).isTrue(); // the sender's push leaves with the last bytes
        assertContiguous(segs, PEER_ISN + 1);
        assertThat(h.classifier().stream().counters().segmentsEmitted()).isEqualTo(segs.size());
        assertThat(h.counters().unaccounted()).isZero();
    }

    @Test
    void aHeldTailLeavesOnceTheReceiverAcknowledgedEverythingSent() {
        h.inbound(fromPeer(ACK, PEER_ISN + 1, HOST_ISN + 1, chunk(0)));          // 1469 out: 1460 sent, 9 held
        List<Seg> first = dataToHost();
        assertThat(first).hasSize(1);
        assertThat(first.get(0).payload()).hasSize(MSS);
        assertThat(first.get(0).seq()).isEqualTo(PEER_ISN + 1);

        int sentMark = h.sent().size();
        h.outbound(fromHost(ACK, HOST_ISN + 1, PEER_ISN + 1 + MSS, null));       // the host has all that was sent
        List<Seg> all = dataToHost();
        assertThat(all).hasSize(2);
        assertThat(all.get(1).payload()).isEqualTo("y".repeat(9));
        assertThat(all.get(1).seq()).isEqualTo(PEER_ISN + 1 + MSS);
        assertThat(payloads(all)).isEqualTo(chunk(0).replace("rainy", "sunny and warm"));
        // The peer's segment is not wholly delivered yet: its acknowledgement stays at the last whole checkpoint.
        assertThat(Segs.parse(h.sent().get(sentMark)).ack()).isEqualTo(PEER_ISN + 1);

        h.outbound(fromHost(ACK, HOST_ISN + 1, PEER_ISN + 1 + MSS + 9, null));
        assertThat(Segs.parse(h.sent().get(h.sent().size() - 1)).ack()).isEqualTo(PEER_ISN + 1 + MSS);
    }

    @Test
    void aShortSegmentOrAFinFlushesTheTail() {
        h.inbound(fromPeer(ACK, PEER_ISN + 1, HOST_ISN + 1, chunk(0)));          // 9 held
        h.inbound(fromPeer(ACK, PEER_ISN + 1 + MSS, HOST_ISN + 1, "rainy"));     // short: the sender has no more
        List<Seg> segs = dataToHost();
        assertThat(segs).extracting(s -> s.payload().length()).containsExactly(MSS, 23);
        assertContiguous(segs, PEER_ISN + 1);

        h.inbound(fromPeer(ACK, PEER_ISN + 1 + MSS + 5, HOST_ISN + 1, chunk(1))); // 9 held again
        assertThat(dataToHost()).hasSize(3);
        h.inbound(fromPeer(ACK | FIN, PEER_ISN + 1 + 2 * MSS + 5, HOST_ISN + 1, null));
        segs = dataToHost();
        assertThat(segs).extracting(s -> s.payload().length()).containsExactly(MSS, 23, MSS, 9);
        assertThat(segs.get(3).has(FIN)).isTrue();
        assertContiguous(segs, PEER_ISN + 1);
        assertThat(payloads(segs)).isEqualTo((chunk(0) + "rainy" + chunk(1)).replace("rainy", "sunny and warm"));
    }

    @Test
    void aRetransmissionReleasesTheHeldTail() {
        h.inbound(fromPeer(ACK, PEER_ISN + 1, HOST_ISN + 1, chunk(0)));          // 9 held
        h.inbound(fromPeer(ACK, PEER_ISN + 1, HOST_ISN + 1, chunk(0)));          // the peer retransmits
        List<Seg> segs = dataToHost();
        // The tail goes first, then the whole edited output of the retransmitted segment again.
        assertThat(segs).extracting(Seg::seq).containsExactly(PEER_ISN + 1, PEER_ISN + 1 + MSS, PEER_ISN + 1,
                PEER_ISN + 1 + MSS);
        assertThat(segs).extracting(s -> s.payload().length()).containsExactly(MSS, 9, MSS, 9);
        assertThat(h.classifier().stream().counters().segmentsReemitted()).isEqualTo(2);
    }
}
