package io.calloutd.engine;

/**
 * How selective an OR group is, in bits: {@code -log2} of the fraction of the field's value space it accepts
 * (members' fractions are summed, so an OR of two ports scores 15 bits). 0 means the group cannot be indexed.
 */
final class IndexScore {
    /** Protocol values are few and most traffic carries 6 or 17, so a protocol key narrows little. */
    private static final double PROTOCOL_BITS = 2;
    private static final ValueType[] TYPES = ValueType.values();
    /**
     * IP lengths cluster at or below a common MTU, so a length range is scored against [0, 1500], not 16 bits: a
     * "40..800" group keeps about half of real packets and must not win over, say, a 4096-wide port range (filed
     * there, such filters come back for most packets and nearly all fail their other conditions).
     */
    private static final long LENGTH_DOMAIN = 1500;
    private static final int IP_LENGTH = Field.IP_LENGTH.ordinal();

    private IndexScore() { }

    /** Width (8/16/32) if {@code c} goes to an interval map, else 0. */
    static int intervalWidth(CompiledCondition c) {
        int w = TYPES[c.expectedType].bits();
        if (w == 0 || w > 32) return 0;
        return c.interval((1L << w) - 1) != null ? w : 0;
    }

    /** Score of the OR group {@code conds[from, to)}; 0 if some member cannot be indexed or it covers everything. */
    static double of(CompiledCondition[] conds, int from, int to) {
        double fraction = 0;
        for (int k = from; k < to; k++) {
            CompiledCondition c = conds[k];
            int w = intervalWidth(c);
            if (w > 0) {
                long[] iv = c.interval((1L << w) - 1);
                if (c.field == IP_LENGTH) {
                    fraction += Math.max(0, Math.min(iv[1], LENGTH_DOMAIN) - iv[0] + 1) / (double) (LENGTH_DOMAIN + 1);
                } else {
                    long size = Math.max(0, Math.min(iv[1], (1L << w) - 1) - iv[0] + 1);
                    fraction += Math.scalb((double) size, -w);
                }
            } else if (c.isIndexable()) {
                int bits = Long.bitCount(c.indexMaskHi()) + Long.bitCount(c.indexMaskLo());
                if (c.indexMaskHi() == -1L && c.indexMaskLo() == -1L) bits = TYPES[c.expectedType].bits();
                fraction += Math.scalb(1.0, -bits);
            } else {
                return 0;
            }
        }
        if (fraction >= 1) return 0;
        double bits = fraction == 0 ? 129 : -Math.log(fraction) / Math.log(2);
        int f = conds[from].field;
        if (f == Field.IP_PROTOCOL.ordinal() || f == Field.EMBEDDED_PROTOCOL.ordinal()) bits = Math.min(bits, PROTOCOL_BITS);
        return bits;
    }
}
