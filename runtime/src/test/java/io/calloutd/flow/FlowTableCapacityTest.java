package io.calloutd.flow;

import static io.calloutd.flow.FlowPackets.ACK;
import static io.calloutd.flow.FlowPackets.RST;
import static io.calloutd.flow.FlowPackets.SYN;
import static io.calloutd.flow.FlowPackets.tcp;
import static io.calloutd.flow.FlowPackets.udp;
import static io.calloutd.pipeline.Direction.INBOUND;
import static io.calloutd.pipeline.Direction.OUTBOUND;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.flow.FlowEvent.Result;
import io.calloutd.pipeline.Direction;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlowTableCapacityTest {
    static final long S = 1_000_000_000L;

    final FlowPackets pk = new FlowPackets();
    final RecordingListener listener = new RecordingListener();
    final FlowTable table = new FlowTable(FlowConfig.DEFAULTS.withMaxFlows(4), listener);
    final FlowEvent ev = new FlowEvent();
    long now;

    Flow send(byte[] packet, Direction d) {
        return table.track(pk.parse(packet), d, now, ev);
    }

    Flow udpFlow(int port) {
        now += S;
        return send(udp("198.18.0.1", port, "198.19.0.1", 53, 0), OUTBOUND);
    }

    Flow tcpFlow(int port) {
        now += S;
        Flow f = send(tcp("198.18.0.1", port, "198.19.0.1", 80, SYN, 0, 0, 0), OUTBOUND);
        send(tcp("198.19.0.1", 80, "198.18.0.1", port, SYN | ACK, 0, 1, 0), INBOUND);
        send(tcp("198.18.0.1", port, "198.19.0.1", 80, ACK, 1, 1, 0), OUTBOUND);
        assertThat(f.state()).isEqualTo(FlowState.TCP_ESTABLISHED);
        return f;
    }

    @Test
    void fullTableEvictsOldestUnconfirmedFlow() {
        Flow f1 = udpFlow(1);
        Flow f2 = udpFlow(2);
        udpFlow(3);
        udpFlow(4);
        table.associateContext(f2, 1, 1, 99);
        send(udp("198.19.0.1", 53, "198.18.0.1", 1, 0), INBOUND); // f1 is now confirmed
        Flow f5 = udpFlow(5);
        assertThat(ev.events()).isEqualTo(FlowEvent.NEW_FLOW | FlowEvent.ESTABLISHED);
        assertThat(f2.closeReason()).isEqualTo(CloseReason.EVICTED);
        assertThat(f1.isEnded()).isFalse();
        assertThat(listener.deletes).containsExactly(new RecordingListener.Delete(f2.id(), 1, 1, 99));
        assertThat(table.counters().evictedUnconfirmed()).isEqualTo(1);
        assertThat(table.counters().closedEvicted()).isEqualTo(1);
        assertThat(table.size()).isEqualTo(4);
        assertThat(f5.isEnded()).isFalse();
    }

    @Test
    void fullTableOfEstablishedFlowsRefusesNewOnes() {
        for (int i = 1; i <= 4; i++) {
            tcpFlow(i);
        }
        assertThat(send(udp("198.18.0.1", 9, "198.19.0.1", 53, 0), OUTBOUND)).isNull();
        assertThat(ev.result()).isEqualTo(Result.REFUSED);
        assertThat(ev.events()).isZero();
        assertThat(table.counters().refused()).isEqualTo(1);
        assertThat(table.counters().created()).isEqualTo(4);
        assertThat(table.size()).isEqualTo(4);
        assertThat(listener.ends).isEmpty();
    }

    @Test
    void fullTableRemovesTimedOutFlowsFirst() {
        for (int i = 1; i <= 4; i++) {
            Flow f = udpFlow(i);
            send(udp("198.19.0.1", 53, "198.18.0.1", i, 0), INBOUND);
            assertThat(f.state()).isEqualTo(FlowState.REPLIED);
        }
        now += 58 * S; // udpFlow adds 1 s: flows created at 1..3 s expire at 61..63 s, flow 4 at 64 s
        assertThat(udpFlow(9)).isNotNull();
        assertThat(table.counters().expiredWhenFull()).isEqualTo(3); // flows 1..3 had idled 60 s, flow 4 only 59 s
        assertThat(table.counters().closedTimeout()).isEqualTo(3);
        assertThat(table.counters().closedEvicted()).isZero();
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void fullTableDropsLingeringEndedFlowsBeforeLiveOnes() {
        Flow unconfirmed = udpFlow(1);
        tcpFlow(2);
        tcpFlow(3);
        Flow reset = tcpFlow(4);
        send(tcp("198.19.0.1", 80, "198.18.0.1", 4, RST, 1, 0, 0), INBOUND);
        assertThat(reset.state()).isEqualTo(FlowState.TCP_CLOSE);
        udpFlow(5);
        assertThat(table.counters().evictedLingering()).isEqualTo(1);
        assertThat(unconfirmed.isEnded()).isFalse();
        assertThat(table.lookup(pk.parse(tcp("198.18.0.1", 4, "198.19.0.1", 80, ACK, 0, 0, 0)))).isNull();
        assertThat(listener.ends).hasSize(1); // only the RST end; dropping the lingering flow ends nothing new
    }

    /** Random traffic against a small table: every live flow stays findable, nothing leaks or ends twice. */
    @Test
    void randomChurnKeepsIndexConsistent() {
        RecordingListener l = new RecordingListener();
        FlowTable t = new FlowTable(FlowConfig.DEFAULTS.withMaxFlows(64), l);
        Random r = new Random(42);
        List<byte[][]> tuples = new ArrayList<>(); // [forward, reverse]
        for (int i = 0; i < 300; i++) {
            String a = r.nextBoolean() ? "198.18.0." + r.nextInt(4) : "fd00::" + r.nextInt(4);
            String b = a.contains(":") ? "fd00:1::" + r.nextInt(3) : "198.19.0." + r.nextInt(3);
            int pa = 1000 + r.nextInt(20), pb = 53 + r.nextInt(2);
            tuples.add(new byte[][] {udp(a, pa, b, pb, 0), udp(b, pb, a, pa, 0)});
        }
        Flow[] current = new Flow[tuples.size()];
        long clock = 0;
        for (int step = 0; step < 20_000; step++) {
            clock += r.nextInt(50_000_000);
            int i = r.nextInt(tuples.size());
            boolean reverse = r.nextBoolean();
            Flow f = t.track(pk.parse(tuples.get(i)[reverse ? 1 : 0]), reverse ? INBOUND : OUTBOUND, clock, ev);
            if (f != null) {
                assertThat(f.isEnded()).isFalse();
                if (current[i] != null && current[i] != f) {
                    assertThat(current[i].isEnded()).isTrue();
                }
                current[i] = f;
                if (ev.has(FlowEvent.NEW_FLOW)) {
                    t.associateContext(f, 1, 1, f.id());
                }
            }
            if (r.nextInt(10) == 0) {
                t.expire(clock);
            }
            if (step % 1000 == 0) {
                int live = 0;
                for (int k = 0; k < tuples.size(); k++) {
                    Flow c = current[k];
                    if (c != null && !c.isEnded()) {
                        assertThat(t.lookup(pk.parse(tuples.get(k)[0]))).isSameAs(c);
                        assertThat(t.lookup(pk.parse(tuples.get(k)[1]))).isSameAs(c);
                        live++;
                    }
                }
                // Several tuples may be equal (small address space): count distinct live flows.
                long distinct = java.util.Arrays.stream(current).filter(c -> c != null && !c.isEnded()).distinct()
                        .count();
                assertThat(t.size()).isEqualTo((int) distinct);
                assertThat(live).isGreaterThanOrEqualTo((int) distinct);
            }
        }
        FlowCounters c = t.counters();
        assertThat(c.created()).isEqualTo(c.closedTimeout() + c.closedEvicted() + t.size());
        t.close();
        assertThat(l.ends).hasSize((int) c.created());
        assertThat(l.deletes).extracting(RecordingListener.Delete::flowId).doesNotHaveDuplicates()
                .hasSize((int) c.created());
        assertThat(c.closedEvicted() + c.closedTimeout()).isPositive();
    }
}
