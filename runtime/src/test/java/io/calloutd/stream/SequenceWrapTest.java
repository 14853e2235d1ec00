package io.calloutd.stream;

import static io.calloutd.stream.Segs.ACK;
import static io.calloutd.stream.Segs.HOST;
import static io.calloutd.stream.Segs.HOST_PORT;
import static io.calloutd.stream.Segs.PEER;
import static io.calloutd.stream.Segs.PEER_PORT;
import static io.calloutd.stream.Segs.PSH;
import static io.calloutd.stream.Segs.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.engine.FilterAction;
import io.calloutd.stream.Segs.Seg;
import io.calloutd.testkit.CalloutTestPath;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sequence translation across the 2^32 wrap of both sequence spaces (RFC 793 modular arithmetic). */
class SequenceWrapTest {
    final CalloutTestPath h = CalloutTestPath.create();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void editedStreamAndItsAcknowledgementsWrapAround() throws Exception {
        Segs.streamCallout(h, new InlineReplacer("rainy", "sunny and warm"), FilterAction.CALLOUT_TERMINATING, null);
        int hostIsn = -5, peerIsn = -20; // 0xFFFFFFFB, 0xFFFFFFEC
        h.outbound(Segs.tcp(HOST, HOST_PORT, PEER, PEER_PORT, SYN, hostIsn, 0, 8192, null, null));
        h.inbound(Segs.tcp(PEER, PEER_PORT, HOST, HOST_PORT, SYN | ACK, peerIsn, hostIsn + 1, 8192, null, null));
        h.outbound(Segs.tcp(HOST, HOST_PORT, PEER, PEER_PORT, ACK, hostIsn + 1, peerIsn + 1, 8192, null, null));
        int mark = h.received().size(), sentMark = h.sent().size();
        h.inbound(Segs.tcp(PEER, PEER_PORT, HOST, HOST_PORT, ACK | PSH, peerIsn + 1, hostIsn + 1, 8192, "it is rai", null));
        h.inbound(Segs.tcp(PEER, PEER_PORT, HOST, HOST_PORT, ACK | PSH, peerIsn + 10, hostIsn + 1, 8192, "ny today", null));

        List<Seg> segs = Segs.parseAll(h.received(), mark).stream().filter(s -> !s.payload().isEmpty()).toList();
        assertThat(Segs.payloads(segs)).isEqualTo("it is sunny and warm today");
        assertThat(segs).extracting(Seg::seq).containsExactly(peerIsn + 1, peerIsn + 7);
        // 26 edited bytes acknowledged past the wrap (ack 7) are the peer's 17 bytes (ack -2, before the wrap).
        h.outbound(Segs.tcp(HOST, HOST_PORT, PEER, PEER_PORT, ACK | PSH, hostIsn + 1, peerIsn + 27, 8192, "0123456789", null));
        Seg toPeer = Segs.parse(h.sent().get(sentMark));
        assertThat(peerIsn + 27).isEqualTo(7);
        assertThat(toPeer.ack()).isEqualTo(peerIsn + 18);
        assertThat(toPeer.seq()).isEqualTo(hostIsn + 1);
        assertThat(toPeer.payload()).isEqualTo("0123456789"); // the host's data crosses its own wrap unchanged
        h.inbound(Segs.tcp(PEER, PEER_PORT, HOST, HOST_PORT, ACK, peerIsn + 18, hostIsn + 11, 8192, null, null));
        Seg ack = Segs.parse(h.received().get(h.received().size() - 1));
        assertThat(ack.seq()).isEqualTo(peerIsn + 27);
        assertThat(ack.ack()).isEqualTo(hostIsn + 11);
    }
}
