package io.calloutd.engine;

import java.util.List;

/**
 * The port's automatic filter weight (§1.4, §10: WFP documents only "based on specificity").
 *
 * <p><b>Formula.</b> {@code low60 = min(score, 0xFFFF) << 44}; {@link FilterWeight#auto()} gives {@code low60}
 * (always &lt; 2^60), {@link FilterWeight#range(int) range(k)} gives {@code (k << 60) | low60}. The score estimates
 * how many bits of the field space the conditions pin down:
 * <ul>
 *   <li>conditions are grouped into runs on the same field (ORed, §1.3); the score is the sum over groups;</li>
 *   <li>a group scores {@code max(0, min(member scores) - ceil(log2(members)))} (an OR widens the match);</li>
 *   <li>member scores: EQUAL on an integer/address = its bit width (UINT8 8, UINT16 16, UINT32 32, UINT64 64,
 *       IPv6 128); an address mask = its number of mask bits (V4) or prefix length (V6); EQUAL on a string 64,
 *       EQUAL_CASE_INSENSITIVE 32; RANGE on an integer = width − ceil(log2(high − low + 1)); PREFIX/ends-with =
 *       min(8 × length, 32); EQUAL to EMPTY 1; every other match type (NOT_EQUAL, GREATER…, FLAGS_*, NOT_PREFIX,
 *       RANGE on non-integers) 1.</li>
 * </ul>
 * <b>Tiebreak.</b> Filters with equal effective weight in one sublayer are evaluated lower filter id first (ids are
 * assigned in increasing order at add time), on every run (check 17).
 */
public final class AutoWeight {
    /** {@code FWPM_AUTO_WEIGHT_BITS}. */
    public static final int AUTO_WEIGHT_BITS = 60;
    /** Shift applied to the score inside the low 60 bits. */
    public static final int SCORE_SHIFT = 44;
    /** Largest score kept (16 bits). */
    public static final int MAX_SCORE = 0xFFFF;

    private AutoWeight() { }

    /** Effective weight for {@code w} given the filter's conditions (already validated). */
    public static long effective(FilterWeight w, List<Condition> conditions) {
        switch (w.kind) {
            case EXPLICIT: return w.value;
            case AUTO: return ((long) score(conditions)) << SCORE_SHIFT;
            default: return (w.value << AUTO_WEIGHT_BITS) | (((long) score(conditions)) << SCORE_SHIFT);
        }
    }

    /** The specificity score of a condition list (see class doc). */
    public static int score(List<Condition> conditions) {
        int total = 0;
        int i = 0;
        while (i < conditions.size()) {
            Field f = conditions.get(i).field();
            int j = i;
            int min = Integer.MAX_VALUE;
            while (j < conditions.size() && conditions.get(j).field() == f) {
                min = Math.min(min, memberScore(conditions.get(j)));
                j++;
            }
            int n = j - i;
            int widen = n == 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
            total += Math.max(0, min - widen);
            i = j;
        }
        return Math.min(total, MAX_SCORE);
    }

    static int memberScore(Condition c) {
        Value v = c.value();
        ValueType t = v.type();
        switch (c.matchType()) {
            case EQUAL:
                if (t == ValueType.EMPTY) return 1;
                if (t == ValueType.V4_ADDR_MASK) return Long.bitCount(v.high());
                if (t == ValueType.V6_ADDR_MASK) return v.prefixLength();
                if (t == ValueType.UNICODE_STRING) return 64;
                return t.bits();
            case EQUAL_CASE_INSENSITIVE:
                return 32;
            case RANGE:
                if (!t.isInteger()) return 1;
                long span = c.high().low() - v.low();
                if (span < 0 || span == -1L) return 1;
                int spanBits = 64 - Long.numberOfLeadingZeros(span); // ceil(log2(span + 1))
                return Math.max(1, t.bits() - spanBits);
            case PREFIX:
                return t == ValueType.UNICODE_STRING ? Math.min(8 * v.string().length(), 32) : 1;
            default:
                return 1;
        }
    }
}
