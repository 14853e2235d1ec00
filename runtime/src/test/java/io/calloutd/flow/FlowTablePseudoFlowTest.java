package io.calloutd.flow;

import static io.calloutd.flow.FlowPackets.echo;
import static io.calloutd.flow.FlowPackets.portUnreachable;
import static io.calloutd.flow.FlowPackets.udp;
import static io.calloutd.pipeline.Direction.INBOUND;
import static io.calloutd.pipeline.Direction.OUTBOUND;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.flow.FlowEvent.Result;
import io.calloutd.pipeline.Direction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlowTablePseudoFlowTest {
    static final long S = 1_000_000_000L;

    final FlowPackets pk = new FlowPackets();
    final RecordingListener listener = new RecordingListener();
    final FlowTable table = new FlowTable(FlowConfig.DEFAULTS.withMaxFlows(1024), listener);
    final FlowEvent ev = new FlowEvent();
    long now = -7 * S; // the clock's origin is arbitrary (System.nanoTime may be negative)

    Flow send(byte[] packet, Direction d) {
        return table.track(pk.parse(packet), d, now, ev);
    }

    @ParameterizedTest
    @CsvSource({"198.18.1.1, 198.19.2.2", "fd00::1, fd00::2"})
    void udpFirstDatagramIsNewAndEstablishedThenPlain(String a, String b) { // check 50
        Flow f = send(udp(a, 5353, b, 53, 20), OUTBOUND);
        assertThat(ev.events()).isEqualTo(FlowEvent.NEW_FLOW | FlowEvent.ESTABLISHED);
        assertThat(f.state()).isEqualTo(FlowState.UNREPLIED);
        assertThat(f.initiatorDirection()).isEqualTo(OUTBOUND);
        assertThat(send(udp(a, 5353, b, 53, 20), OUTBOUND)).isSameAs(f);
        assertThat(ev.events()).isZero();
        assertThat(send(udp(b, 53, a, 5353, 100), INBOUND)).isSameAs(f);
        assertThat(ev.events()).isEqualTo(FlowEvent.FIRST_REPLY);
        assertThat(ev.fromInitiator()).isFalse();
        assertThat(f.state()).isEqualTo(FlowState.REPLIED);
        assertThat(send(udp(b, 53, a, 5354, 100), INBOUND)).isNotSameAs(f);
        assertThat(f.packetsFromInitiator()).isEqualTo(2);
        assertThat(f.packetsFromResponder()).isEqualTo(1);
        assertThat(table.counters().established()).isEqualTo(2);
    }

    @Test
    void udpIdle60sDeletesContextOnceAndNextDatagramIsNewFlow() { // checks 51, 22
        Flow f = send(udp("198.18.0.1", 1000, "198.19.0.1", 2000, 8), OUTBOUND);
        assertThat(table.associateContext(f, 9, 4, 77)).isEqualTo(ContextStatus.SUCCESS);
        now += 59 * S;
        send(udp("198.19.0.1", 2000, "198.18.0.1", 1000, 8), INBOUND); // restarts the idle timer
        now += 59 * S;
        sweepAll();
        assertThat(f.isEnded()).isFalse();
        now += 1 * S;
        sweepAll();
        assertThat(f.closeReason()).isEqualTo(CloseReason.TIMEOUT);
        assertThat(listener.deletes).containsExactly(new RecordingListener.Delete(f.id(), 9, 4, 77));
        assertThat(table.size()).isZero();
        sweepAll();
        table.close();
        assertThat(listener.deletes).hasSize(1);
        assertThat(listener.ends).containsExactly(new RecordingListener.End(f.id(), CloseReason.TIMEOUT));
    }

    @Test
    void timedOutFlowIsReplacedOnNextPacketWithoutSweep() {
        Flow f = send(udp("198.18.0.1", 1000, "198.19.0.1", 2000, 8), INBOUND);
        table.associateContext(f, 9, 4, 77);
        now += 60 * S;
        Flow g = send(udp("198.19.0.1", 2000, "198.18.0.1", 1000, 8), OUTBOUND);
        assertThat(g).isNotSameAs(f);
        assertThat(ev.events()).isEqualTo(FlowEvent.NEW_FLOW | FlowEvent.ESTABLISHED);
        assertThat(g.initiatorDirection()).isEqualTo(OUTBOUND);
        assertThat(f.closeReason()).isEqualTo(CloseReason.TIMEOUT);
        assertThat(listener.deletes).hasSize(1);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void configurableUdpTimeout() {
        FlowTable t = new FlowTable(FlowConfig.DEFAULTS.withMaxFlows(8).withUdpIdle(java.time.Duration.ofSeconds(5)),
                listener);
        Flow f = t.track(pk.parse(udp("198.18.0.1", 1, "198.19.0.1", 2, 0)), OUTBOUND, now, ev);
        assertThat(f.expiresAtNanos() - now).isEqualTo(5 * S);
    }

    @ParameterizedTest
    @CsvSource({"198.18.1.1, 198.19.2.2", "fd00::1, fd00::2"})
    void icmpEchoRequestAndReplyShareAFlow(String a, String b) {
        Flow f = send(echo(a, b, 0x1234, 1, false), OUTBOUND);
        assertThat(ev.events()).isEqualTo(FlowEvent.NEW_FLOW | FlowEvent.ESTABLISHED);
        assertThat(f.initiatorPort()).isEqualTo(0x1234);
        assertThat(f.expiresAtNanos() - now).isEqualTo(60 * S);
        assertThat(send(echo(b, a, 0x1234, 1, true), INBOUND)).isSameAs(f);
        assertThat(ev.events()).isEqualTo(FlowEvent.FIRST_REPLY);
        assertThat(send(echo(a, b, 0x1235, 1, false), OUTBOUND)).isNotSameAs(f);
    }

    @ParameterizedTest
    @CsvSource({"198.18.1.1, 198.19.2.2, 198.18.9.9", "fd00::1, fd00::2, fd00::99"})
    void icmpErrorIsRelatedToTheQuotedFlow(String a, String b, String router) {
        byte[] datagram = udp(a, 4000, b, 4001, 12);
        Flow f = send(datagram, OUTBOUND);
        long packets = f.packetsFromInitiator();
        assertThat(send(portUnreachable(b, a, datagram), INBOUND)).isSameAs(f);
        assertThat(ev.result()).isEqualTo(Result.RELATED);
        assertThat(ev.events()).isEqualTo(FlowEvent.RELATED);
        assertThat(ev.fromInitiator()).isFalse();
        assertThat(send(portUnreachable(router, a, datagram), INBOUND)).isSameAs(f);
        assertThat(f.packetsFromInitiator() + f.packetsFromResponder()).isEqualTo(packets);
        assertThat(f.state()).isEqualTo(FlowState.UNREPLIED);

        assertThat(send(portUnreachable(b, a, udp(a, 4000, b, 4999, 12)), INBOUND)).isNull();
        assertThat(ev.result()).isEqualTo(Result.RELATED_UNKNOWN);
        assertThat(table.counters().relatedUnknown()).isEqualTo(1);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void reauthorizationFollowsThePolicyGeneration() { // check 52 (the table's part)
        Flow f = send(udp("198.18.0.1", 1, "198.19.0.1", 2, 0), OUTBOUND);
        assertThat(f.authorizedGeneration()).isEqualTo(Flow.NEVER_AUTHORIZED);
        assertThat(table.needsReauthorization(f, 1)).isTrue();
        table.markAuthorized(f, 1);
        assertThat(table.needsReauthorization(f, 1)).isFalse();
        assertThat(table.needsReauthorization(f, 2)).isTrue();
        table.abort(f);
        assertThat(table.needsReauthorization(f, 2)).isFalse();
    }

    @Test
    void abortedFlowIsAuthorizedAgainOnItsNextPacket() {
        Flow f = send(udp("198.18.0.1", 1, "198.19.0.1", 2, 0), INBOUND);
        assertThat(table.abort(f)).isTrue();
        assertThat(table.abort(f)).isFalse();
        assertThat(send(udp("198.18.0.1", 1, "198.19.0.1", 2, 0), INBOUND)).isNotSameAs(f);
        assertThat(ev.has(FlowEvent.NEW_FLOW)).isTrue();
        assertThat(table.counters().closedAborted()).isEqualTo(1);
    }

    @Test
    void closeEndsEveryFlowExactlyOnce() {
        for (int i = 0; i < 50; i++) {
            Flow f = send(udp("198.18.0.1", 1000 + i, "198.19.0.1", 53, 0), OUTBOUND);
            table.associateContext(f, 1, 1, i + 1);
        }
        table.close();
        table.close();
        assertThat(listener.ends).hasSize(50).allMatch(e -> e.reason() == CloseReason.TABLE_CLOSED);
        assertThat(listener.deletes).extracting(RecordingListener.Delete::context).doesNotHaveDuplicates().hasSize(50);
        assertThat(table.size()).isZero();
        assertThat(send(udp("198.18.0.1", 1, "198.19.0.1", 2, 0), INBOUND)).isNull();
        assertThat(ev.result()).isEqualTo(Result.REFUSED);
    }

    @Test
    void packetsWithoutKeyAreUntrackable() {
        java.util.Random r = new java.util.Random(3);
        byte[] fragment = io.calloutd.testing.packets.TestPackets.ipv4(r,
                io.calloutd.testing.packets.TestPackets.Transport.TCP, false, 64, 64, false); // non-first fragment
        assertThat(send(fragment, INBOUND)).isNull();
        assertThat(ev.result()).isEqualTo(Result.UNTRACKABLE);
        assertThat(send(portUnreachable("198.18.0.1", "198.19.0.1", new byte[8]), INBOUND)).isNull();
        assertThat(ev.result()).isEqualTo(Result.UNTRACKABLE);
        assertThat(table.counters().untrackable()).isEqualTo(2);
        assertThat(table.size()).isZero();
    }

    private void sweepAll() {
        for (int i = 0; i < 2; i++) {
            table.expire(now);
        }
    }
}
