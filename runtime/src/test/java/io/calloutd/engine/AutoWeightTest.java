package io.calloutd.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The documented automatic specificity score and its ordering effect. */
class AutoWeightTest {
    private static final Condition PORT = Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(443));
    private static final Condition PROTO = Condition.eq(Field.IP_PROTOCOL, Value.uint8(6));

    @Test
    void scoresFollowTheDocumentedTable() {
        assertThat(AutoWeight.score(List.of())).isZero();
        assertThat(AutoWeight.score(List.of(PORT))).isEqualTo(16);
        assertThat(AutoWeight.score(List.of(PORT, PROTO))).isEqualTo(24);
        assertThat(AutoWeight.score(List.of(Condition.eq(Field.IP_REMOTE_ADDRESS, Value.v4Prefix(0xC6120000, 24))))).isEqualTo(24);
        assertThat(AutoWeight.score(List.of(Condition.eq(Field.IP_REMOTE_ADDRESS, Value.v6Prefix(0, 0, 48))))).isEqualTo(48);
        // OR of two ports: min(16,16) - ceil(log2 2) = 15; of three: 16 - 2 = 14.
        Condition p80 = Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(80));
        Condition p22 = Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(22));
        assertThat(AutoWeight.score(List.of(PORT, p80))).isEqualTo(15);
        assertThat(AutoWeight.score(List.of(PORT, p80, p22))).isEqualTo(14);
        // RANGE 1024..65535 pins 16 - ceil(log2(64512)) = 0 -> floor 1.
        assertThat(AutoWeight.score(List.of(Condition.range(Field.IP_REMOTE_PORT, Value.uint16(1024), Value.uint16(65535))))).isEqualTo(1);
        assertThat(AutoWeight.score(List.of(Condition.range(Field.IP_REMOTE_PORT, Value.uint16(8000), Value.uint16(8003))))).isEqualTo(14);
        assertThat(AutoWeight.score(List.of(Condition.of(Field.IP_REMOTE_PORT, MatchType.NOT_EQUAL, Value.uint16(1))))).isEqualTo(1);
        assertThat(AutoWeight.score(List.of(Condition.of(Field.ALE_APP_ID, MatchType.PREFIX, Value.string("a.exe"))))).isEqualTo(32);
    }

    @Test
    void effectiveWeights() {
        assertThat(AutoWeight.effective(FilterWeight.auto(), List.of(PORT))).isEqualTo(16L << 44);
        assertThat(AutoWeight.effective(FilterWeight.range(15), List.of())).isEqualTo(15L << 60);
        assertThat(AutoWeight.effective(FilterWeight.explicit(-1L), List.of(PORT))).isEqualTo(-1L);
        assertThat(Long.compareUnsigned(AutoWeight.effective(FilterWeight.range(15), List.of(PORT)), AutoWeight.effective(FilterWeight.range(14), List.of(PORT, PROTO)))).isPositive();
    }

    @Test
    void moreSpecificAutoFilterIsEvaluatedFirstAndHighestUnsignedWeightWins() throws Exception {
        FilterEngine e = new FilterEngine();
        Layer l = Layer.INBOUND_TRANSPORT_V4;
        e.addFilter(FilterSpec.builder(l).action(FilterAction.PERMIT).condition(PROTO).build());
        Filter specific = e.addFilter(FilterSpec.builder(l).action(FilterAction.BLOCK).condition(PORT).condition(PROTO).build());
        ClassifyResult r = new ClassifyResult();
        e.classify(l, Packets.tcp443(), new ClassifyContext(), r);
        assertThat(r.filterId()).isEqualTo(specific.id());
        Filter top = e.addFilter(FilterSpec.builder(l).weight(-1L).action(FilterAction.PERMIT).build()); // 2^64-1, unsigned max
        e.classify(l, Packets.tcp443(), new ClassifyContext(), r);
        assertThat(r.filterId()).isEqualTo(top.id());
        assertThat(e.filters(l).get(0)).isEqualTo(top);
    }
}
