package io.calloutd.engine;

import static io.calloutd.engine.Layer.INBOUND_TRANSPORT_V4;
import static io.calloutd.engine.Layer.INBOUND_TRANSPORT_V4_DISCARD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Acceptance checks 1–17 of wfp-semantics.md §9, one method each. */
class AcceptanceChecksTest {
    private static final Layer L = INBOUND_TRANSPORT_V4;

    private BoundedNetEventSink events;
    private FilterEngine engine;
    private final ClassifyContext ctx = new ClassifyContext();
    private final ClassifyResult res = new ClassifyResult();
    private Sublayer high;
    private Sublayer low;

    @BeforeEach
    void setUp() throws Exception {
        events = new BoundedNetEventSink(64);
        engine = new FilterEngine(EngineConfig.defaults().withNetEvents(events));
        high = engine.addSublayer(Sublayer.of("H", 200));
        low = engine.addSublayer(Sublayer.of("L", 100));
    }

    private Filter add(Sublayer s, long weight, FilterAction a) throws Exception {
        return engine.addFilter(FilterSpec.builder(L).sublayer(s).weight(weight).action(a).build());
    }

    private Filter addCallout(Sublayer s, long weight, FilterAction a, Callout c, int flags) throws Exception {
        UUID key = UUID.randomUUID();
        if (c != null) engine.registerCallout(key, c);
        return engine.addFilter(FilterSpec.builder(L).sublayer(s).weight(weight).callout(a, key).flags(flags).build());
    }

    private Verdict classify() {
        return engine.classify(L, Packets.tcp443(), ctx, res);
    }

    @Test
    void check01_noFiltersPermitsWithoutDropEvent() {
        assertThat(classify()).isEqualTo(Verdict.PERMIT);
        assertThat(res.reason()).isEqualTo(DecisionReason.DEFAULT_VERDICT);
        assertThat(res.filterId()).isZero();
        assertThat(events.total()).isZero();
        assertThat(engine.counters().get(L, EngineCounters.Kind.DEFAULT_VERDICTS)).isEqualTo(1);
    }

    @Test
    void check01b_defaultVerdictIsConfigurable() {
        FilterEngine blocking = new FilterEngine(EngineConfig.defaults().withDefaultVerdict(Verdict.BLOCK).withNetEvents(events));
        assertThat(blocking.classify(L, Packets.tcp443(), ctx, res)).isEqualTo(Verdict.BLOCK);
        assertThat(res.reason()).isEqualTo(DecisionReason.DEFAULT_VERDICT);
        assertThat(events.snapshot()).singleElement().satisfies(e -> assertThat(e.filterId()).isZero());
    }

    @Test
    void check02_staticBlockDropsClassifiesDiscardLayerAndEmitsOneDropEvent() throws Exception {
        Filter block = engine.addFilter(FilterSpec.builder(L).action(FilterAction.BLOCK).build());
        TestCallouts.Recording discardObserver = TestCallouts.returning(ActionType.CONTINUE);
        UUID key = UUID.randomUUID();
        engine.registerCallout(key, discardObserver);
        engine.addFilter(FilterSpec.builder(INBOUND_TRANSPORT_V4_DISCARD).callout(FilterAction.CALLOUT_INSPECTION, key).build());

        assertThat(classify()).isEqualTo(Verdict.BLOCK);
        assertThat(res.filterId()).isEqualTo(block.id());
        assertThat(discardObserver.seen).singleElement().satisfies(s -> {
            assertThat(s.layer()).isEqualTo(INBOUND_TRANSPORT_V4_DISCARD);
            assertThat(s.discardReason()).isEqualTo(DiscardReason.FIREWALL_POLICY);
            assertThat(s.discardReason().module()).isEqualTo(DiscardReason.Module.GENERAL);
        });
        List<NetEvent> ev = events.snapshot();
        assertThat(ev).hasSize(1);
        assertThat(ev.get(0).type()).isEqualTo(NetEventType.CLASSIFY_DROP);
        assertThat(ev.get(0).filterId()).isEqualTo(block.id());
        assertThat(ev.get(0).layer()).isEqualTo(L);
        assertThat(ev.get(0).packet()).contains("ip_remote_port=443").contains("ip_remote_address=198.19.0.2");
        assertThat(engine.filterBlocks(block.id())).isEqualTo(1);
        assertThat(engine.counters().get(L, EngineCounters.Kind.BLOCKS)).isEqualTo(1);
    }

    @Test
    void check03_higherWeightPermitWinsAndLowerCalloutNeverRuns() throws Exception {
        Filter permit = add(high, 10, FilterAction.PERMIT);
        TestCallouts.Recording blocker = TestCallouts.hardBlock();
        addCallout(high, 5, FilterAction.CALLOUT_TERMINATING, blocker, 0);
        add(high, 4, FilterAction.BLOCK);
        assertThat(classify()).isEqualTo(Verdict.PERMIT);
        assertThat(res.filterId()).isEqualTo(permit.id());
        assertThat(blocker.calls()).isZero();
    }

    @Test
    void check04_inspectionCalloutBlockCountsAsContinue() throws Exception {
        TestCallouts.Recording inspector = TestCallouts.hardBlock();
        addCallout(high, 10, FilterAction.CALLOUT_INSPECTION, inspector, 0);
        Filter permit = add(high, 5, FilterAction.PERMIT);
        assertThat(classify()).isEqualTo(Verdict.PERMIT);
        assertThat(inspector.calls()).isEqualTo(1);
        assertThat(res.filterId()).isEqualTo(permit.id());
    }

    @Test
    void check05_terminatingCalloutReturningContinueBlocks() throws Exception {
        Filter f = addCallout(high, 10, FilterAction.CALLOUT_TERMINATING, TestCallouts.returning(ActionType.CONTINUE), 0);
        add(high, 5, FilterAction.PERMIT);
        assertThat(classify()).isEqualTo(Verdict.BLOCK);
        assertThat(res.filterId()).isEqualTo(f.id());
        assertThat(res.reason()).isEqualTo(DecisionReason.CALLOUT);
    }

    @Test
    void check06_unknownCalloutContinueFallsThroughToStaticBlock() throws Exception {
        TestCallouts.Recording c = TestCallouts.returning(ActionType.CONTINUE);
        addCallout(high, 10, FilterAction.CALLOUT_UNKNOWN, c, 0);
        Filter block = add(high, 5, FilterAction.BLOCK);
        assertThat(classify()).isEqualTo(Verdict.BLOCK);
        assertThat(c.calls()).isEqualTo(1);
        assertThat(res.filterId()).isEqualTo(block.id());
        assertThat(res.reason()).isEqualTo(DecisionReason.FILTER);
    }

    @Test
    void check07_softPermitOverriddenByLowerSublayerBlock() throws Exception {
        add(high, 1, FilterAction.PERMIT);
        Filter block = add(low, 1, FilterAction.BLOCK);
        assertThat(classify()).isEqualTo(Verdict.BLOCK);
        assertThat(res.filterId()).isEqualTo(block.id());
        assertThat(res.vetoed()).isFalse();
    }

    @Test
    void check08_hardPermitNotOverriddenByStaticBlock() throws Exception {
        Filter permit = engine.addFilter(FilterSpec.builder(L).sublayer(high).weight(1)
                .action(FilterAction.PERMIT).flags(FilterFlags.CLEAR_ACTION_RIGHT).build());
        add(low, 1, FilterAction.BLOCK);
        assertThat(classify()).isEqualTo(Verdict.PERMIT);
        assertThat(res.filterId()).isEqualTo(permit.id());
        assertThat(res.rights() & ClassifyOut.RIGHT_ACTION_WRITE).isZero();
        assertThat(events.total()).isZero();
    }

    @Test
    void check09_calloutVetoesHardPermit() throws Exception {
        Filter permit = engine.addFilter(FilterSpec.builder(L).sublayer(high).weight(1)
                .action(FilterAction.PERMIT).flags(FilterFlags.CLEAR_ACTION_RIGHT).build());
        TestCallouts.Recording vetoer = new TestCallouts.Recording(o -> o.setActionType(ActionType.BLOCK));
        Filter veto = addCallout(low, 1, FilterAction.CALLOUT_TERMINATING, vetoer, 0);
        assertThat(classify()).isEqualTo(Verdict.BLOCK);
        assertThat(vetoer.seen).singleElement().satisfies(s -> {
            assertThat(s.writeIn()).isFalse();
            assertThat(s.actionIn()).isEqualTo(ActionType.PERMIT);
        });
        assertThat(res.vetoed()).isTrue();
        assertThat(res.filterId()).isEqualTo(veto.id());
        assertThat(res.overriddenFilterId()).isEqualTo(permit.id());
        assertThat(res.reason()).isEqualTo(DecisionReason.VETO);
        assertThat(events.snapshot()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(NetEventType.VETO);
            assertThat(e.filterId()).isEqualTo(veto.id());
            assertThat(e.overriddenFilterId()).isEqualTo(permit.id());
        });
        assertThat(engine.counters().get(L, EngineCounters.Kind.VETOES)).isEqualTo(1);
    }

    @Test
    void check10_lowerCalloutStillInvokedAfterHardBlockAndCannotPermit() throws Exception {
        Filter block = add(high, 1, FilterAction.BLOCK);
        TestCallouts.Recording permitter = TestCallouts.returning(ActionType.PERMIT);
        addCallout(low, 1, FilterAction.CALLOUT_TERMINATING, permitter, 0);
        assertThat(classify()).isEqualTo(Verdict.BLOCK);
        assertThat(permitter.seen).singleElement().satisfies(s -> {
            assertThat(s.writeIn()).isFalse();
            assertThat(s.actionIn()).isEqualTo(ActionType.BLOCK);
        });
        assertThat(res.filterId()).isEqualTo(block.id());
    }

    @Test
    void check11_softCalloutBlockOverriddenByLowerPermit() throws Exception {
        addCallout(high, 1, FilterAction.CALLOUT_TERMINATING, TestCallouts.returning(ActionType.BLOCK), 0);
        Filter permit = add(low, 1, FilterAction.PERMIT);
        assertThat(classify()).isEqualTo(Verdict.PERMIT);
        assertThat(res.filterId()).isEqualTo(permit.id());
    }

    @Test
    void check12_unregisteredCalloutRules() throws Exception {
        UUID key = UUID.randomUUID();
        Filter term = engine.addFilter(FilterSpec.builder(L).sublayer(high).weight(1).callout(FilterAction.CALLOUT_TERMINATING, key).build());
        assertThat(classify()).isEqualTo(Verdict.BLOCK);
        assertThat(res.reason()).isEqualTo(DecisionReason.CALLOUT_UNREGISTERED);
        assertThat(res.filterId()).isEqualTo(term.id());

        engine.deleteFilter(term.id());
        engine.addFilter(FilterSpec.builder(L).sublayer(high).weight(1).callout(FilterAction.CALLOUT_TERMINATING, key)
                .flags(FilterFlags.PERMIT_IF_CALLOUT_UNREGISTERED).build());
        assertThat(classify()).isEqualTo(Verdict.PERMIT);
        assertThat(res.reason()).isEqualTo(DecisionReason.CALLOUT_UNREGISTERED);

        // Registering makes the callout decide; unregistering restores the rule.
        engine.registerCallout(key, TestCallouts.hardBlock());
        assertThat(classify()).isEqualTo(Verdict.BLOCK);
        assertThat(res.reason()).isEqualTo(DecisionReason.CALLOUT);
        assertThat(engine.unregisterCallout(key)).isTrue();
        assertThat(classify()).isEqualTo(Verdict.PERMIT);

        FilterEngine e2 = new FilterEngine();
        e2.addFilter(FilterSpec.builder(L).weight(10).callout(FilterAction.CALLOUT_INSPECTION, UUID.randomUUID()).build());
        Filter block = e2.addFilter(FilterSpec.builder(L).weight(5).action(FilterAction.BLOCK).build());
        assertThat(e2.classify(L, Packets.tcp443(), ctx, res)).isEqualTo(Verdict.BLOCK);
        assertThat(res.filterId()).isEqualTo(block.id()); // inspection filter skipped, not a block of its own
    }

    @Test
    void check13_sameFieldConditionsOrDifferentFieldsAnd() throws Exception {
        engine.addFilter(FilterSpec.builder(L).action(FilterAction.BLOCK)
                .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(80)))
                .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(443)))
                .condition(Condition.eq(Field.IP_PROTOCOL, Value.uint8(Packets.TCP))).build());
        assertThat(engine.classify(L, Packets.transport(Packets.TCP, 443), ctx, res)).isEqualTo(Verdict.BLOCK);
        assertThat(engine.classify(L, Packets.transport(Packets.TCP, 80), ctx, res)).isEqualTo(Verdict.BLOCK);
        assertThat(engine.classify(L, Packets.transport(Packets.UDP, 443), ctx, res)).isEqualTo(Verdict.PERMIT);
        assertThat(engine.classify(L, Packets.transport(Packets.TCP, 8080), ctx, res)).isEqualTo(Verdict.PERMIT);
    }

    @Test
    void check14_typeMismatchRejectedWithoutConversion() {
        FilterSpec spec = FilterSpec.builder(L).action(FilterAction.BLOCK)
                .condition(Condition.eq(Field.FLAGS, Value.uint16(4))).build(); // FLAGS is UINT32
        assertThatThrownBy(() -> engine.addFilter(spec))
                .isInstanceOfSatisfying(FilterValidationException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FWP_E_TYPE_MISMATCH);
                    assertThat(e.getMessage()).contains("condition #0").contains("FLAGS").contains("UINT16").contains("UINT32");
                });
        assertThat(engine.filters(L)).isEmpty();
        assertThat(classify()).isEqualTo(Verdict.PERMIT);
    }

    @Test
    void check15_weightRangeAndAutoWeight() throws Exception {
        Filter ranged = engine.addFilter(FilterSpec.builder(L).weight(FilterWeight.range(7))
                .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(443))).build());
        assertThat(ranged.weight() >>> 60).isEqualTo(7);
        assertThat(ranged.weight() & ((1L << 60) - 1)).isEqualTo(16L << AutoWeight.SCORE_SHIFT);
        Filter auto = engine.addFilter(FilterSpec.builder(L).weight(FilterWeight.auto())
                .condition(Condition.eq(Field.IP_REMOTE_ADDRESS, Value.v4(Packets.REMOTE))).build());
        assertThat(Long.compareUnsigned(auto.weight(), 1L << 60)).isNegative();
        assertThat(auto.weight()).isEqualTo(32L << AutoWeight.SCORE_SHIFT);
    }

    @Test
    void check16_prefixMeansEndsWith() throws Exception {
        Layer ale = Layer.ALE_AUTH_CONNECT_V4;
        engine.addFilter(FilterSpec.builder(ale).action(FilterAction.BLOCK)
                .condition(Condition.of(Field.ALE_APP_ID, MatchType.PREFIX, Value.string("exe"))).build());
        IncomingValues in = new IncomingValues();
        assertThat(engine.classify(ale, in.setString(Field.ALE_APP_ID, "c:\\app.exe"), ctx, res)).isEqualTo(Verdict.BLOCK);
        assertThat(engine.classify(ale, in.setString(Field.ALE_APP_ID, "exec.txt"), ctx, res)).isEqualTo(Verdict.PERMIT);
        assertThat(engine.classify(ale, in.setEmpty(Field.ALE_APP_ID), ctx, res)).isEqualTo(Verdict.PERMIT);
    }

    @Test
    void check17_equalWeightsEvaluateLowerFilterIdFirstOnEveryRun() throws Exception {
        List<Long> order = new ArrayList<>();
        Callout rec = (in, c, f, out) -> order.add(f.id());
        UUID key = UUID.randomUUID();
        engine.registerCallout(key, rec);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(engine.addFilter(FilterSpec.builder(L).sublayer(high).weight(42).callout(FilterAction.CALLOUT_UNKNOWN, key).build()).id());
        }
        for (int run = 0; run < 20; run++) {
            order.clear();
            classify();
            assertThat(order).containsExactlyElementsOf(ids);
            engine.addFilter(FilterSpec.builder(L).sublayer(low).weight(run).action(FilterAction.PERMIT)
                    .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(run))).build()); // forces a rebuild
        }
    }
}
