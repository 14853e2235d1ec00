package io.calloutd.engine;

/**
 * A validated condition in a flat, allocation-free form. Integers and IPv6 addresses are compared as unsigned
 * 128-bit numbers (integers have a zero high half); masks are pre-applied to the condition value.
 */
final class CompiledCondition {
    static final int EMPTY_EQ = 0, EMPTY_NE = 1, EQ = 2, NE = 3, GT = 4, LT = 5, GE = 6, LE = 7, RANGE = 8,
            ALL_SET = 9, ANY_SET = 10, NONE_SET = 11, MASK_EQ = 12, MASK_NE = 13,
            S_EQ = 14, S_NE = 15, S_GT = 16, S_LT = 17, S_GE = 18, S_LE = 19, S_RANGE = 20, S_EQ_CI = 21,
            S_ENDS = 22, S_NOT_ENDS = 23;

    final int field;
    final int expectedType;
    final int op;
    final long aHi, aLo, bHi, bLo;
    final String s1, s2;

    CompiledCondition(Condition c, Layer layer) {
        Value v = c.value();
        this.field = c.field().ordinal();
        this.expectedType = layer.typeOf(c.field()).ordinal();
        long ah = v.high(), al = v.low(), bh = 0, bl = 0;
        String x = v.string(), y = null;
        int o;
        MatchType m = c.matchType();
        switch (v.type()) {
            case EMPTY:
                o = m == MatchType.EQUAL ? EMPTY_EQ : EMPTY_NE;
                break;
            case V4_ADDR_MASK:
                bh = 0; bl = v.high(); ah = 0; al = v.low() & bl;
                o = m == MatchType.EQUAL ? MASK_EQ : MASK_NE;
                break;
            case V6_ADDR_MASK: {
                int p = v.prefixLength();
                bh = p == 0 ? 0 : p >= 64 ? -1L : -1L << (64 - p);
                bl = p <= 64 ? 0 : p == 128 ? -1L : -1L << (128 - p);
                ah = v.high() & bh; al = v.low() & bl;
                o = m == MatchType.EQUAL ? MASK_EQ : MASK_NE;
                break;
            }
            case UNICODE_STRING:
                if (c.high() != null) y = c.high().string();
                o = stringOp(m);
                break;
            default:
                if (c.high() != null) { bh = c.high().high(); bl = c.high().low(); }
                o = numericOp(m);
        }
        this.op = o; this.aHi = ah; this.aLo = al; this.bHi = bh; this.bLo = bl; this.s1 = x; this.s2 = y;
    }

    private static int numericOp(MatchType m) {
        switch (m) {
            case EQUAL: return EQ;
            case NOT_EQUAL: return NE;
            case GREATER: return GT;
            case LESS: return LT;
            case GREATER_OR_EQUAL: return GE;
            case LESS_OR_EQUAL: return LE;
            case RANGE: return RANGE;
            case FLAGS_ALL_SET: return ALL_SET;
            case FLAGS_ANY_SET: return ANY_SET;
            case FLAGS_NONE_SET: return NONE_SET;
            default: throw new IllegalStateException("validated away: " + m);
        }
    }

    private static int stringOp(MatchType m) {
        switch (m) {
            case EQUAL: return S_EQ;
            case NOT_EQUAL: return S_NE;
            case GREATER: return S_GT;
            case LESS: return S_LT;
            case GREATER_OR_EQUAL: return S_GE;
            case LESS_OR_EQUAL: return S_LE;
            case RANGE: return S_RANGE;
            case EQUAL_CASE_INSENSITIVE: return S_EQ_CI;
            case PREFIX: return S_ENDS;
            case NOT_PREFIX: return S_NOT_ENDS;
            default: throw new IllegalStateException("validated away: " + m);
        }
    }

    /** True if this is an exact/masked equality usable as an index key. */
    boolean isIndexable() {
        return op == EQ || op == MASK_EQ;
    }

    /** Mask applied to the incoming value for index lookups (high half, low half). */
    long indexMaskHi() { return op == MASK_EQ ? bHi : -1L; }

    long indexMaskLo() { return op == MASK_EQ ? bLo : -1L; }

    /** True if this is a masked equality whose mask is a contiguous prefix of the low 32 bits (a V4 prefix). */
    boolean isV4Prefix() {
        if (op != MASK_EQ || bHi != 0 || (bLo >>> 32) != 0) return false;
        long inv = ~bLo & 0xFFFF_FFFFL;
        return (inv & (inv + 1)) == 0; // the zero bits are a (possibly empty) run at the bottom
    }

    /**
     * The closed interval [lo, hi] of W-bit unsigned values this condition accepts, for integer comparisons and
     * equality on fields of at most 32 bits; null if it is not such a condition. An empty interval is {@code lo > hi}.
     */
    long[] interval(long max) {
        if (aHi != 0 || bHi != 0) return null;
        switch (op) {
            case EQ: return new long[] {aLo, aLo};
            case RANGE: return new long[] {aLo, bLo};
            case GT: return new long[] {aLo + 1, max};
            case GE: return new long[] {aLo, max};
            case LT: return new long[] {0, aLo - 1};
            case LE: return new long[] {0, aLo};
            case MASK_EQ:
                if (!isV4Prefix()) return null;
                return new long[] {aLo, aLo | (~bLo & 0xFFFF_FFFFL)};
            default: return null;
        }
    }

    /** Tests a condition given in flat form against the incoming value of its field. */
    static boolean test(int op, int field, int expectedType, long aHi, long aLo, long bHi, long bLo, String s1,
                        String s2, IncomingValues in) {
        int t = in.typeOrdinal(field);
        if (op <= EMPTY_NE) return (t == 0) == (op == EMPTY_EQ);
        if (t != expectedType) return false; // unknown (EMPTY) or foreign-typed value never matches
        if (op >= S_EQ) return matchString(op, in.stringAt(field), s1, s2);
        long hi = in.highAt(field), lo = in.lowAt(field);
        switch (op) {
            case EQ: return hi == aHi && lo == aLo;
            case NE: return hi != aHi || lo != aLo;
            case GT: return cmp(hi, lo, aHi, aLo) > 0;
            case LT: return cmp(hi, lo, aHi, aLo) < 0;
            case GE: return cmp(hi, lo, aHi, aLo) >= 0;
            case LE: return cmp(hi, lo, aHi, aLo) <= 0;
            case RANGE: return cmp(hi, lo, aHi, aLo) >= 0 && cmp(hi, lo, bHi, bLo) <= 0;
            case ALL_SET: return (lo & aLo) == aLo;
            case ANY_SET: return (lo & aLo) != 0;
            case NONE_SET: return (lo & aLo) == 0;
            case MASK_EQ: return (hi & bHi) == aHi && (lo & bLo) == aLo;
            case MASK_NE: return (hi & bHi) != aHi || (lo & bLo) != aLo;
            default: return false;
        }
    }

    private static boolean matchString(int op, String v, String s1, String s2) {
        switch (op) {
            case S_EQ: return v.equals(s1);
            case S_NE: return !v.equals(s1);
            case S_GT: return v.compareTo(s1) > 0;
            case S_LT: return v.compareTo(s1) < 0;
            case S_GE: return v.compareTo(s1) >= 0;
            case S_LE: return v.compareTo(s1) <= 0;
            case S_RANGE: return v.compareTo(s1) >= 0 && v.compareTo(s2) <= 0;
            case S_EQ_CI: return v.equalsIgnoreCase(s1);
            case S_ENDS: return v.endsWith(s1);
            case S_NOT_ENDS: return !v.endsWith(s1);
            default: return false;
        }
    }

    static int cmp(long hi, long lo, long bh, long bl) {
        int c = Long.compareUnsigned(hi, bh);
        return c != 0 ? c : Long.compareUnsigned(lo, bl);
    }
}
