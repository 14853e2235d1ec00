package io.calloutd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Add-time validation: each rule yields its specific error code and changes nothing. */
class ValidationTest {
    private static final Layer L = Layer.INBOUND_TRANSPORT_V4;
    private final FilterEngine engine = new FilterEngine();

    private void rejects(FilterSpec.Builder b, ErrorCode code, String... inMessage) {
        assertThatThrownBy(() -> engine.addFilter(b.build()))
                .isInstanceOfSatisfying(FilterValidationException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    if (inMessage.length > 0) assertThat(e.getMessage()).contains(inMessage);
                });
        assertThat(engine.filters(L)).isEmpty();
    }

    @Test
    void portConditionWithUint32IsTypeMismatch() {
        rejects(FilterSpec.builder(L).condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint32(80))),
                ErrorCode.FWP_E_TYPE_MISMATCH, "IP_REMOTE_PORT", "UINT32", "UINT16");
    }

    @Test
    void v6AddressAtV4LayerIsTypeMismatch() {
        rejects(FilterSpec.builder(L).condition(Condition.eq(Field.IP_REMOTE_ADDRESS, Value.v6(1, 2))),
                ErrorCode.FWP_E_TYPE_MISMATCH, "BYTE_ARRAY16");
        rejects(FilterSpec.builder(L).condition(Condition.eq(Field.IP_REMOTE_ADDRESS, Value.v6Prefix(1, 2, 64))),
                ErrorCode.FWP_E_TYPE_MISMATCH, "V6_ADDR_MASK");
        rejects(FilterSpec.builder(L).condition(Condition.eq(Field.IP_REMOTE_PORT, Value.v4Prefix(1, 8))),
                ErrorCode.FWP_E_TYPE_MISMATCH, "V4_ADDR_MASK");
    }

    @Test
    void illegalMatchTypesAreMatchTypeMismatch() {
        rejects(FilterSpec.builder(L).condition(Condition.of(Field.IP_REMOTE_PORT, MatchType.PREFIX, Value.uint16(80))),
                ErrorCode.FWP_E_MATCH_TYPE_MISMATCH, "PREFIX");
        rejects(FilterSpec.builder(L).condition(Condition.of(Field.IP_REMOTE_ADDRESS, MatchType.GREATER, Value.v4Prefix(1, 8))),
                ErrorCode.FWP_E_MATCH_TYPE_MISMATCH);
        rejects(FilterSpec.builder(L).condition(Condition.of(Field.IP_REMOTE_PORT, MatchType.LESS, Value.empty())),
                ErrorCode.FWP_E_MATCH_TYPE_MISMATCH, "EMPTY");
        rejects(FilterSpec.builder(Layer.INBOUND_TRANSPORT_V6).condition(Condition.of(Field.IP_REMOTE_ADDRESS, MatchType.FLAGS_ANY_SET, Value.v6(0, 1))),
                ErrorCode.FWP_E_MATCH_TYPE_MISMATCH);
    }

    @Test
    void fieldNotAtLayerIsConditionNotFound() {
        rejects(FilterSpec.builder(L).condition(Condition.eq(Field.ALE_APP_ID, Value.string("x"))),
                ErrorCode.FWP_E_CONDITION_NOT_FOUND, "ALE_APP_ID");
    }

    @Test
    void invertedRangeAndMixedRangeTypes() {
        rejects(FilterSpec.builder(L).condition(Condition.range(Field.IP_REMOTE_PORT, Value.uint16(90), Value.uint16(80))),
                ErrorCode.FWP_E_INVALID_RANGE);
        rejects(FilterSpec.builder(L).condition(Condition.range(Field.IP_REMOTE_PORT, Value.uint16(80), Value.uint32(90))),
                ErrorCode.FWP_E_TYPE_MISMATCH);
    }

    @Test
    void actionFlagAndWeightRules() {
        rejects(FilterSpec.builder(L).action(FilterAction.CALLOUT_TERMINATING), ErrorCode.FWP_E_INVALID_ACTION_TYPE);
        rejects(FilterSpec.builder(L).callout(FilterAction.PERMIT, UUID.randomUUID()), ErrorCode.FWP_E_INVALID_ACTION_TYPE);
        rejects(FilterSpec.builder(L).action(FilterAction.PERMIT).flags(FilterFlags.PERMIT_IF_CALLOUT_UNREGISTERED), ErrorCode.FWP_E_INVALID_FLAGS);
        rejects(FilterSpec.builder(L).callout(FilterAction.CALLOUT_INSPECTION, UUID.randomUUID()).flags(FilterFlags.PERMIT_IF_CALLOUT_UNREGISTERED),
                ErrorCode.FWP_E_INVALID_FLAGS);
        rejects(FilterSpec.builder(L).flags(0x1000), ErrorCode.FWP_E_INVALID_FLAGS);
        rejects(FilterSpec.builder(L).weight(FilterWeight.range(16)), ErrorCode.FWP_E_INVALID_WEIGHT);
        rejects(FilterSpec.builder(L).sublayer(UUID.randomUUID()), ErrorCode.FWP_E_SUBLAYER_NOT_FOUND);
    }

    @Test
    void duplicateKeysAndMissingObjects() throws Exception {
        UUID key = UUID.randomUUID();
        engine.addFilter(FilterSpec.builder(L).key(key).build());
        assertThatThrownBy(() -> engine.addFilter(FilterSpec.builder(L).key(key).build()))
                .extracting(e -> ((FilterValidationException) e).code()).isEqualTo(ErrorCode.FWP_E_ALREADY_EXISTS);
        assertThatThrownBy(() -> engine.deleteFilter(999L))
                .extracting(e -> ((FilterValidationException) e).code()).isEqualTo(ErrorCode.FWP_E_FILTER_NOT_FOUND);
        Sublayer s = engine.addSublayer(Sublayer.of("s", 5));
        engine.addFilter(FilterSpec.builder(L).sublayer(s).build());
        assertThatThrownBy(() -> engine.deleteSublayer(s.key()))
                .extracting(e -> ((FilterValidationException) e).code()).isEqualTo(ErrorCode.FWP_E_IN_USE);
        assertThatThrownBy(() -> engine.deleteSublayer(Sublayer.UNIVERSAL.key()))
                .extracting(e -> ((FilterValidationException) e).code()).isEqualTo(ErrorCode.FWP_E_IN_USE);
        UUID callout = UUID.randomUUID();
        engine.registerCallout(callout, (in, c, f, o) -> { });
        assertThatThrownBy(() -> engine.registerCallout(callout, (in, c, f, o) -> { }))
                .extracting(e -> ((FilterValidationException) e).code()).isEqualTo(ErrorCode.FWP_E_ALREADY_EXISTS);
    }

    @Test
    void emptyConditionMatchesUnknownField() throws Exception {
        Filter f = engine.addFilter(FilterSpec.builder(L).action(FilterAction.BLOCK)
                .condition(Condition.eq(Field.IP_LOCAL_INTERFACE, Value.empty())).build());
        ClassifyResult r = new ClassifyResult();
        IncomingValues in = Packets.tcp443();
        assertThat(engine.classify(L, in, new ClassifyContext(), r)).isEqualTo(Verdict.BLOCK);
        assertThat(r.filterId()).isEqualTo(f.id());
        in.setUint64(Field.IP_LOCAL_INTERFACE, 7);
        assertThat(engine.classify(L, in, new ClassifyContext(), r)).isEqualTo(Verdict.PERMIT);
    }
}
