package io.calloutd.flow;

import static io.calloutd.flow.FlowPackets.ACK;
import static io.calloutd.flow.FlowPackets.FIN;
import static io.calloutd.flow.FlowPackets.RST;
import static io.calloutd.flow.FlowPackets.SYN;
import static io.calloutd.flow.FlowPackets.tcp;
import static io.calloutd.pipeline.Direction.INBOUND;
import static io.calloutd.pipeline.Direction.OUTBOUND;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.flow.FlowEvent.Result;
import io.calloutd.pipeline.Direction;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlowTableTcpTest {
    static final long S = 1_000_000_000L;
    static final String C4 = "198.18.0.10", S4 = "198.19.0.20";
    static final String C6 = "fd00::10", S6 = "fd00:1::20";

    final FlowPackets pk = new FlowPackets();
    final RecordingListener listener = new RecordingListener();
    final FlowTable table = new FlowTable(FlowConfig.DEFAULTS.withMaxFlows(1024), listener);
    final FlowEvent ev = new FlowEvent();
    long now = 5 * S;

    Flow send(byte[] packet, Direction d) {
        return table.track(pk.parse(packet), d, now, ev);
    }

    /** Client c:40000 connects to server s:443; returns the flow after the handshake. */
    Flow handshake(String c, String s, Direction synDirection) {
        Flow f = send(tcp(c, 40000, s, 443, SYN, 1000, 0, 0), synDirection);
        send(tcp(s, 443, c, 40000, SYN | ACK, 5000, 1001, 0), other(synDirection));
        send(tcp(c, 40000, s, 443, ACK, 1001, 5001, 0), synDirection);
        return f;
    }

    static Direction other(Direction d) { return d == INBOUND ? OUTBOUND : INBOUND; }

    @Test
    void inboundHandshakeEstablishesAtFinalAck() { // check 49
        Flow f = send(tcp(C4, 40000, S4, 443, SYN, 1000, 0, 0), INBOUND);
        assertThat(ev.result()).isEqualTo(Result.TRACKED);
        assertThat(ev.events()).isEqualTo(FlowEvent.NEW_FLOW);
        assertThat(ev.fromInitiator()).isTrue();
        assertThat(f.state()).isEqualTo(FlowState.TCP_SYN_SENT);
        assertThat(f.initiatorDirection()).isEqualTo(INBOUND);
        assertThat(f.protocol()).isEqualTo(6);
        assertThat(f.initiatorPort()).isEqualTo(40000);
        assertThat(f.responderPort()).isEqualTo(443);
        assertThat(f.initiatorAddressLow()).isEqualTo(0xC612000AL);

        assertThat(send(tcp(S4, 443, C4, 40000, SYN | ACK, 5000, 1001, 0), OUTBOUND)).isSameAs(f);
        assertThat(ev.events()).isEqualTo(FlowEvent.FIRST_REPLY);
        assertThat(ev.fromInitiator()).isFalse();
        assertThat(f.state()).isEqualTo(FlowState.TCP_SYN_RECEIVED);

        assertThat(send(tcp(C4, 40000, S4, 443, ACK, 1001, 5001, 0), INBOUND)).isSameAs(f);
        assertThat(ev.events()).isEqualTo(FlowEvent.ESTABLISHED);
        assertThat(f.state()).isEqualTo(FlowState.TCP_ESTABLISHED);

        send(tcp(C4, 40000, S4, 443, ACK, 1001, 5001, 100), INBOUND);
        assertThat(ev.events()).isZero();
        assertThat(f.packetsFromInitiator()).isEqualTo(3);
        assertThat(f.packetsFromResponder()).isEqualTo(1);
        assertThat(f.bytesFromInitiator()).isEqualTo(40 + 40 + 140);
        assertThat(table.counters().created()).isEqualTo(1);
        assertThat(table.counters().established()).isEqualTo(1);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void outboundHandshakeEstablishesAtSynAckOverIpv6() { // check 48
        Flow f = send(tcp(C6, 40000, S6, 443, SYN, -5, 0, 0), OUTBOUND);
        assertThat(ev.events()).isEqualTo(FlowEvent.NEW_FLOW);
        assertThat(f.ipVersion()).isEqualTo(6);
        assertThat(f.initiatorAddressHigh()).isEqualTo(0xfd00000000000000L);
        assertThat(f.initiatorAddressLow()).isEqualTo(0x10L);
        assertThat(send(tcp(S6, 443, C6, 40000, SYN | ACK, 77, -4, 0), INBOUND)).isSameAs(f);
        assertThat(ev.events()).isEqualTo(FlowEvent.FIRST_REPLY | FlowEvent.ESTABLISHED);
        assertThat(send(tcp(C6, 40000, S6, 443, ACK, -4, 78, 0), OUTBOUND)).isSameAs(f);
        assertThat(ev.events()).isZero();
        assertThat(f.state()).isEqualTo(FlowState.TCP_ESTABLISHED);
        assertThat(table.counters().established()).isEqualTo(1);
    }

    @Test
    void synAckWithWrongAckDoesNotAdvance() {
        Flow f = send(tcp(C4, 40000, S4, 443, SYN, 1000, 0, 0), INBOUND);
        send(tcp(S4, 443, C4, 40000, SYN | ACK, 5000, 999, 0), OUTBOUND);
        assertThat(f.state()).isEqualTo(FlowState.TCP_SYN_SENT);
        send(tcp(C4, 40000, S4, 443, ACK, 1001, 5001, 0), INBOUND);
        assertThat(f.state()).isEqualTo(FlowState.TCP_SYN_SENT);
        assertThat(ev.events()).isZero();
    }

    @Test
    void finFinClosesOnceAndDeletesEachContextOnce() {
        Flow f = handshake(C4, S4, OUTBOUND);
        assertThat(table.associateContext(f, 20, 7, 111)).isEqualTo(ContextStatus.SUCCESS);
        assertThat(table.associateContext(f, 22, 7, 222)).isEqualTo(ContextStatus.SUCCESS);
        send(tcp(C4, 40000, S4, 443, FIN | ACK, 1001, 5001, 10), OUTBOUND);
        assertThat(f.state()).isEqualTo(FlowState.TCP_FIN_WAIT);
        send(tcp(S4, 443, C4, 40000, ACK, 5001, 1012, 0), INBOUND);
        assertThat(f.state()).isEqualTo(FlowState.TCP_CLOSE_WAIT);
        send(tcp(S4, 443, C4, 40000, FIN | ACK, 5001, 1012, 0), INBOUND);
        assertThat(f.state()).isEqualTo(FlowState.TCP_LAST_ACK);
        assertThat(ev.events()).isZero();
        assertThat(listener.deletes).isEmpty();
        send(tcp(C4, 40000, S4, 443, ACK, 1012, 5002, 0), OUTBOUND);
        assertThat(ev.events()).isEqualTo(FlowEvent.CLOSED);
        assertThat(f.state()).isEqualTo(FlowState.TCP_TIME_WAIT);
        assertThat(f.closeReason()).isEqualTo(CloseReason.FIN);
        assertThat(listener.log).containsExactly("end:" + f.id(), "delete:" + f.id() + ":222",
                "delete:" + f.id() + ":111");
        assertThat(listener.deletes).extracting(RecordingListener.Delete::layerId).containsExactly(22, 20);
        assertThat(f.contextCount()).isZero();
        assertThat(table.associateContext(f, 20, 7, 1)).isEqualTo(ContextStatus.INVALID_PARAMETER);

        // A retransmitted ACK still finds the lingering flow, without events.
        assertThat(send(tcp(C4, 40000, S4, 443, ACK, 1012, 5002, 0), OUTBOUND)).isSameAs(f);
        assertThat(ev.events()).isZero();
        // After TIME_WAIT it leaves the table silently.
        now += 121 * S;
        drainExpiry();
        assertThat(table.size()).isZero();
        assertThat(listener.ends).hasSize(1);
        assertThat(listener.deletes).hasSize(2);
        assertThat(table.counters().closedFin()).isEqualTo(1);
        assertThat(table.counters().closedTimeout()).isZero();
    }

    @Test
    void rstEndsFlowAndDeletesContextExactlyOnce() { // check 22
        Flow f = handshake(C4, S4, INBOUND);
        table.associateContext(f, 44, 3, 0xCAFE);
        send(tcp(S4, 443, C4, 40000, RST, 5001, 0, 0), OUTBOUND);
        assertThat(ev.events()).isEqualTo(FlowEvent.CLOSED);
        assertThat(f.state()).isEqualTo(FlowState.TCP_CLOSE);
        assertThat(listener.deletes).containsExactly(new RecordingListener.Delete(f.id(), 44, 3, 0xCAFE));
        assertThat(listener.ends).containsExactly(new RecordingListener.End(f.id(), CloseReason.RST));
        assertThat(f.context(44, 3)).isZero();
        send(tcp(S4, 443, C4, 40000, RST, 5001, 0, 0), OUTBOUND); // duplicate RST
        assertThat(ev.events()).isZero();
        now += 11 * S;
        drainExpiry();
        table.close();
        assertThat(listener.deletes).hasSize(1);
        assertThat(listener.ends).hasSize(1);
        assertThat(table.counters().closedRst()).isEqualTo(1);
    }

    @Test
    void newSynReplacesEndedFlow() {
        Flow f = handshake(C4, S4, INBOUND);
        send(tcp(C4, 40000, S4, 443, RST, 1001, 0, 0), INBOUND);
        Flow g = send(tcp(C4, 40000, S4, 443, SYN, 9000, 0, 0), INBOUND);
        assertThat(g).isNotSameAs(f);
        assertThat(g.id()).isGreaterThan(f.id());
        assertThat(ev.events()).isEqualTo(FlowEvent.NEW_FLOW | FlowEvent.REPLACED);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void bothDirectionsFindTheSameFlow() {
        for (String[] pair : List.of(new String[] {C4, S4}, new String[] {S4, C4}, new String[] {C6, S6},
                new String[] {S6, C6})) {
            Flow f = handshake(pair[0], pair[1], INBOUND);
            assertThat(table.lookup(pk.parse(tcp(pair[0], 40000, pair[1], 443, ACK, 1, 1, 0)))).isSameAs(f);
            assertThat(table.lookup(pk.parse(tcp(pair[1], 443, pair[0], 40000, ACK, 1, 1, 0)))).isSameAs(f);
            assertThat(table.lookup(pk.parse(tcp(pair[1], 443, pair[0], 40001, ACK, 1, 1, 0)))).isNull();
            send(tcp(pair[0], 40000, pair[1], 443, RST, 1, 1, 0), INBOUND);
            table.abort(f);
        }
        // Same address and port on both sides except the port order: still one flow per direction pair.
        Flow f = handshake(C4, C4, OUTBOUND);
        assertThat(send(tcp(C4, 443, C4, 40000, ACK, 5001, 1001, 0), INBOUND)).isSameAs(f);
        assertThat(ev.fromInitiator()).isFalse();
    }

    @Test
    void midStreamIsReportedOrPickedUp() {
        assertThat(send(tcp(C4, 40000, S4, 443, ACK, 1, 1, 10), INBOUND)).isNull();
        assertThat(ev.result()).isEqualTo(Result.MID_STREAM);
        assertThat(send(tcp(C4, 40000, S4, 443, RST, 1, 1, 0), INBOUND)).isNull();
        assertThat(send(tcp(S4, 443, C4, 40000, SYN | ACK, 1, 1, 0), OUTBOUND)).isNull();
        assertThat(table.counters().midStream()).isEqualTo(3);
        assertThat(table.size()).isZero();

        FlowTable loose = new FlowTable(FlowConfig.DEFAULTS.withMaxFlows(16).withPickUpMidStream(true), listener);
        Flow f = loose.track(pk.parse(tcp(C4, 40000, S4, 443, ACK, 1, 1, 10)), OUTBOUND, now, ev);
        assertThat(ev.events()).isEqualTo(FlowEvent.NEW_FLOW | FlowEvent.ESTABLISHED | FlowEvent.MID_STREAM);
        assertThat(f.state()).isEqualTo(FlowState.TCP_ESTABLISHED);
        assertThat(loose.track(pk.parse(tcp(C4, 40000, S4, 443, RST, 1, 1, 0)), OUTBOUND, now, ev)).isSameAs(f);
        assertThat(ev.events()).isEqualTo(FlowEvent.CLOSED);
        assertThat(loose.counters().midStream()).isEqualTo(1);
    }

    @Test
    void synSentTimesOutAfter120Seconds() {
        Flow f = send(tcp(C4, 40000, S4, 443, SYN, 1, 0, 0), OUTBOUND);
        table.associateContext(f, 1, 1, 5);
        now += 119 * S;
        drainExpiry();
        assertThat(f.isEnded()).isFalse();
        now += 1 * S;
        drainExpiry();
        assertThat(f.closeReason()).isEqualTo(CloseReason.TIMEOUT);
        assertThat(listener.deletes).hasSize(1);
        assertThat(table.size()).isZero();
    }

    private void drainExpiry() {
        for (int i = 0; i < 4; i++) {
            table.expire(now); // 1024 slots per call, 2048-slot index
        }
    }
}
