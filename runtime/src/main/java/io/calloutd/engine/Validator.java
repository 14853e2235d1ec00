package io.calloutd.engine;

import static io.calloutd.engine.ErrorCode.*;

import java.util.List;

/** Add-time checks of a {@link FilterSpec} (§1.3 typing, §1.5 actions/flags, §1.4 weights). No conversions. */
final class Validator {
    private Validator() { }

    static void validate(FilterSpec s) throws FilterValidationException {
        String who = "filter '" + s.name + "'";
        if (s.action.isCallout() && s.calloutKey == null) {
            throw new FilterValidationException(FWP_E_INVALID_ACTION_TYPE, who + ": " + s.action + " needs a callout key");
        }
        if (!s.action.isCallout() && s.calloutKey != null) {
            throw new FilterValidationException(FWP_E_INVALID_ACTION_TYPE, who + ": static " + s.action + " cannot name a callout");
        }
        if ((s.flags & ~FilterFlags.ALL) != 0) {
            throw new FilterValidationException(FWP_E_INVALID_FLAGS, who + ": unknown flag bits 0x" + Integer.toHexString(s.flags & ~FilterFlags.ALL));
        }
        if ((s.flags & FilterFlags.PERMIT_IF_CALLOUT_UNREGISTERED) != 0
                && s.action != FilterAction.CALLOUT_TERMINATING && s.action != FilterAction.CALLOUT_UNKNOWN) {
            throw new FilterValidationException(FWP_E_INVALID_FLAGS, who + ": PERMIT_IF_CALLOUT_UNREGISTERED is only legal for CALLOUT_TERMINATING/CALLOUT_UNKNOWN, not " + s.action);
        }
        if (s.weight.kind == FilterWeight.Kind.RANGE && (s.weight.value < 0 || s.weight.value > 15)) {
            throw new FilterValidationException(FWP_E_INVALID_WEIGHT, who + ": weight range must be 0..15, got " + s.weight.value);
        }
        List<Condition> cs = s.conditions;
        for (int i = 0; i < cs.size(); i++) {
            condition(s.layer, cs.get(i), who + " condition #" + i + " (" + cs.get(i) + ")");
        }
    }

    private static void condition(Layer layer, Condition c, String who) throws FilterValidationException {
        Field f = c.field();
        if (!layer.hasField(f)) {
            throw new FilterValidationException(FWP_E_CONDITION_NOT_FOUND, who + ": field " + f + " is not classifiable at " + layer);
        }
        ValueType fieldType = layer.typeOf(f);
        ValueType vt = c.value().type();
        MatchType m = c.matchType();
        if (vt == ValueType.EMPTY) {
            if (m != MatchType.EQUAL && m != MatchType.NOT_EQUAL) mismatch(who, m, vt);
            return;
        }
        if (vt == ValueType.V4_ADDR_MASK || vt == ValueType.V6_ADDR_MASK) {
            ValueType need = vt == ValueType.V4_ADDR_MASK ? ValueType.UINT32 : ValueType.BYTE_ARRAY16;
            if (!f.isAddress() || fieldType != need) {
                throw new FilterValidationException(FWP_E_TYPE_MISMATCH, who + ": " + vt + " is not legal for " + f + " (" + fieldType + ") at " + layer);
            }
            if (m != MatchType.EQUAL && m != MatchType.NOT_EQUAL) mismatch(who, m, vt);
            return;
        }
        if (vt != fieldType) {
            throw new FilterValidationException(FWP_E_TYPE_MISMATCH, who + ": value type " + vt + " differs from field type " + fieldType + " of " + f + " at " + layer);
        }
        if (!legal(m, vt)) mismatch(who, m, vt);
        if (m == MatchType.RANGE) {
            Value lo = c.value(), hi = c.high();
            if (hi.type() != vt) {
                throw new FilterValidationException(FWP_E_TYPE_MISMATCH, who + ": range high type " + hi.type() + " differs from " + vt);
            }
            boolean inverted = vt == ValueType.UNICODE_STRING ? lo.string().compareTo(hi.string()) > 0
                    : CompiledCondition.cmp(lo.high(), lo.low(), hi.high(), hi.low()) > 0;
            if (inverted) throw new FilterValidationException(FWP_E_INVALID_RANGE, who + ": low > high");
        }
    }

    private static boolean legal(MatchType m, ValueType t) {
        switch (m) {
            case EQUAL: return true;
            case NOT_EQUAL: case GREATER: case LESS: case GREATER_OR_EQUAL: case LESS_OR_EQUAL: case RANGE:
                return t.isInteger() || t == ValueType.BYTE_ARRAY16 || t == ValueType.UNICODE_STRING;
            case FLAGS_ALL_SET: case FLAGS_ANY_SET: case FLAGS_NONE_SET:
                return t.isInteger();
            case EQUAL_CASE_INSENSITIVE: case PREFIX: case NOT_PREFIX:
                return t == ValueType.UNICODE_STRING;
            default: return false;
        }
    }

    private static void mismatch(String who, MatchType m, ValueType vt) throws FilterValidationException {
        throw new FilterValidationException(FWP_E_MATCH_TYPE_MISMATCH, who + ": match type " + m + " is not legal for " + vt);
    }
}
