package io.calloutd.stream;

import static io.calloutd.stream.Segs.ACK;
import static io.calloutd.stream.Segs.FIN;
import static io.calloutd.stream.Segs.HOST;
import static io.calloutd.stream.Segs.HOST_ISN;
import static io.calloutd.stream.Segs.HOST_PORT;
import static io.calloutd.stream.Segs.PEER;
import static io.calloutd.stream.Segs.PEER_ISN;
import static io.calloutd.stream.Segs.PEER_PORT;
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
import org.pcap4j.packet.TcpSackOption;

/**
 * Check 68 (§6.7 b): a replacement that changes the stream length; both ends see one consistent TCP conversation.
 * The host's acknowledgements and SACK blocks (edited space) reach the peer in the peer's own sequence space, a
 * retransmission by the peer is answered with the same edited bytes at the same sequence numbers, and the rebuilt
 * segments respect the observed segment size and carry pcap4j-valid checksums.
 */
class LengthChangingEditCheckTest {
    final CalloutTestPath h = CalloutTestPath.create();
    int mark, sentMark;

    @BeforeEach
    void setUp() throws Exception {
        Segs.streamCallout(h, new InlineReplacer("rainy", "sunny and warm"), FilterAction.CALLOUT_TERMINATING, null);
        Segs.handshake(h);
        mark = h.received().size();
        sentMark = h.sent().size();
    }

    @AfterEach
    void close() {
        h.close();
    }

    private List<Seg> dataToHost() {
        return parseAll(h.received(), mark).stream().filter(s -> !s.payload().isEmpty() || s.has(FIN)).toList();
    }

    @Test
    void check68_replacementSplitAcrossSegmentsIsRenumberedAndAcknowledgedConsistently() {
        h.inbound(fromPeer(ACK | PSH, PEER_ISN + 1, HOST_ISN + 1, "it is rai"));
        h.inbound(fromPeer(ACK | PSH, PEER_ISN + 10, HOST_ISN + 1, "ny today"));
        List<Seg> segs = dataToHost();
        assertThat(payloads(segs)).isEqualTo("it is sunny and warm today");
        assertThat(segs).extracting(Seg::seq).containsExactly(PEER_ISN + 1, PEER_ISN + 7);
        assertThat(segs).allSatisfy(s -> assertThat(s.ack()).isEqualTo(HOST_ISN + 1));

        // The host acknowledges all 26 edited bytes: the peer sees its 17 bytes acknowledged.
        h.outbound(fromHost(ACK, HOST_ISN + 1, PEER_ISN + 27, null));
        Seg ack = Segs.parse(h.sent().get(sentMark));
        assertThat(ack.ack()).isEqualTo(PEER_ISN + 18);
        assertThat(ack.seq()).isEqualTo(HOST_ISN + 1);

        // Host data the other way is untouched and numbered as sent; the FIN closes both spaces consistently.
        h.outbound(fromHost(ACK | PSH, HOST_ISN + 1, PEER_ISN + 27, "ok"));
        Seg ok = Segs.parse(h.sent().get(h.sent().size() - 1));
        assertThat(ok.payload()).isEqualTo("ok");
        assertThat(ok.seq()).isEqualTo(HOST_ISN + 1);
        assertThat(ok.ack()).isEqualTo(PEER_ISN + 18);
        h.inbound(fromPeer(ACK | FIN, PEER_ISN + 18, HOST_ISN + 3, null));
        Seg fin = dataToHost().get(dataToHost().size() - 1);
        assertThat(fin.has(FIN)).isTrue();
        assertThat(fin.seq()).isEqualTo(PEER_ISN + 27);
        assertThat(fin.ack()).isEqualTo(HOST_ISN + 3);
        h.outbound(fromHost(ACK, HOST_ISN + 3, PEER_ISN + 28, null));
        Seg finAck = Segs.parse(h.sent().get(h.sent().size() - 1));
        assertThat(finAck.ack()).isEqualTo(PEER_ISN + 19);
        assertThat(h.counters().unaccounted()).isZero();
    }

    @Test
    void check68_keepaliveStaysOneBelowTheEditedNextSequenceNumber() {
        h.inbound(fromPeer(ACK | PSH, PEER_ISN + 1, HOST_ISN + 1, "rainy"));        // 5 in, 14 out
        int before = h.received().size();
        h.inbound(fromPeer(ACK, PEER_ISN + 5, HOST_ISN + 1, null));                 // keepalive: snd.nxt - 1
        Seg keepalive = Segs.parse(h.received().get(before));
        assertThat(keepalive.seq()).isEqualTo(PEER_ISN + 14);                  // edited snd.nxt (PEER_ISN + 15) - 1
        h.inbound(fromPeer(ACK, PEER_ISN + 6, HOST_ISN + 1, null));                 // plain ACK
        assertThat(Segs.parse(h.received().get(before + 1)).seq()).isEqualTo(PEER_ISN + 15);
    }

    @Test
    void outOfBandRequestsWithBadFlagsOrUnknownFlowsAreRefused() throws Exception {
        StreamControl control = h.classifier().stream();
        assertThat(control.inject(1, java.util.UUID.randomUUID(), StreamFlags.RECEIVE | StreamFlags.SEND, new byte[1], 0, 1))
                .isEqualTo(io.calloutd.callout.CalloutStatus.INVALID_PARAMETER);
        assertThat(control.continueStream(1, java.util.UUID.randomUUID(), StreamFlags.SEND))
                .isEqualTo(io.calloutd.callout.CalloutStatus.INVALID_PARAMETER);
        assertThat(control.inject(424242, java.util.UUID.randomUUID(), StreamFlags.RECEIVE, new byte[1], 0, 1))
                .isEqualTo(io.calloutd.callout.CalloutStatus.SUCCESS); // queued; refused on the packet thread
        assertThat(h.runPacketThreadUntil(() -> h.classifier().stream().counters().oobRefused() == 1, 5000)).isTrue();
    }

    @Test
    void check68_sackBlocksAreTranslatedAndRetransmissionsAnsweredFromTheEditedOutput() {
        h.inbound(fromPeer(ACK, PEER_ISN + 1, HOST_ISN + 1, "rainy1"));   // out [0,15)  "sunny and warm1"
        h.inbound(fromPeer(ACK, PEER_ISN + 7, HOST_ISN + 1, "22222"));    // out [15,20)
        h.inbound(fromPeer(ACK, PEER_ISN + 12, HOST_ISN + 1, "33333"));   // out [20,25)
        assertThat(payloads(dataToHost())).isEqualTo("sunny and warm12222233333");

        // The host lost "22222": it acknowledges 15 edited bytes and SACKs [20,25).
        h.outbound(Segs.tcp(HOST, HOST_PORT, PEER, PEER_PORT, ACK, HOST_ISN + 1, PEER_ISN + 16, 8192, null,
                new int[] {PEER_ISN + 21, PEER_ISN + 26}));
        Seg ack = Segs.parse(h.sent().get(sentMark));
        assertThat(ack.ack()).isEqualTo(PEER_ISN + 7);
        TcpSackOption sack = (TcpSackOption) ack.tcp().getHeader().getOptions().stream()
                .filter(o -> o instanceof TcpSackOption).findFirst().orElseThrow();
        java.nio.ByteBuffer raw = java.nio.ByteBuffer.wrap(sack.getRawData());
        assertThat(raw.get(1)).isEqualTo((byte) 10); // one block
        assertThat(new int[] {raw.getInt(2), raw.getInt(6)}).containsExactly(PEER_ISN + 12, PEER_ISN + 17);

        // The peer retransmits "22222": the host gets the same edited bytes at the same edited sequence numbers.
        int before = h.received().size();
        h.inbound(fromPeer(ACK, PEER_ISN + 7, HOST_ISN + 1, "22222"));
        List<Seg> again = parseAll(h.received(), before);
        assertThat(again).hasSize(1);
        assertThat(again.get(0).payload()).isEqualTo("22222");
        assertThat(again.get(0).seq()).isEqualTo(PEER_ISN + 16);
        assertThat(h.classifier().stream().counters().retransmissionsAnswered()).isEqualTo(1);
        assertThat(h.classifier().stream().counters().segmentsReemitted()).isEqualTo(1);
    }

    @Test
    void check68_growingEditsAreResegmentedToTheObservedSegmentSize() {
        String chunk = "x".repeat(95) + "rainy";                      // 100 bytes, one match each
        String input = chunk.repeat(10);                              // 1000 bytes in one segment
        h.inbound(fromPeer(ACK | PSH, PEER_ISN + 1, HOST_ISN + 1, input));
        h.inbound(fromPeer(ACK | PSH, PEER_ISN + 1001, HOST_ISN + 1, "end"));
        String expected = input.replace("rainy", "sunny and warm") + "end";
        List<Seg> segs = dataToHost();
        assertThat(payloads(segs)).isEqualTo(expected);
        assertThat(segs).allSatisfy(s -> assertThat(s.payload().length()).isLessThanOrEqualTo(1000));
        long seq = PEER_ISN + 1;
        for (Seg s : segs) {
            assertThat(s.seq()).isEqualTo((int) seq);
            seq += s.payload().length();
        }
        assertThat(seq - PEER_ISN - 1).isEqualTo(expected.length());
    }
}
