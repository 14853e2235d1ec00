package io.calloutd.engine;

/**
 * The conditions of one layer's filters flattened into primitive arrays, by rank, so that testing a candidate
 * touches small records instead of a chain of objects.
 *
 * <ul>
 *   <li><b>Full records</b> hold every condition of every filter, of every match type (§1.3: a run of same-field
 *   conditions is ORed); {@link #matches} tests them all. The stream layer and the rare candidates below use them.</li>
 *   <li><b>Rest blocks</b> serve the classify path. A candidate found through the index has already met the OR group
 *   it was filed under ({@link IndexBuilder#indexedGroup}), so only the other groups remain. When those are at most
 *   {@value #MAX_REST} single intervals on fields of at most 32 bits (the usual case: a protocol, a port, a prefix),
 *   they sit in a fixed {@value #STRIDE}-int block at {@code rank * STRIDE}: one cache line, found from the rank
 *   alone, which matters when the table is larger than the caches. {@link #matchesRest} tests them, or falls back to
 *   the full records.</li>
 * </ul>
 */
final class ConditionTable {
    /** Ints per rest block: a header (number of checks, or -1) and up to {@link #MAX_REST} checks of three ints. */
    static final int STRIDE = 8;
    static final int MAX_REST = (STRIDE - 1) / 3;
    /**
     * Ints before block 0. A large int array sits 16 bytes after a 64-byte boundary in HotSpot (a humongous object
     * starts a G1 region), so 4 ints of padding keep every block inside one cache line; elsewhere it costs 16 bytes.
     */
    private static final int BASE = 4;
    private static final int FULL_STRIDE = 5; // meta, aHi, aLo, bHi, bLo
    private static final int LAST_OF_GROUP = 1 << 16;
    /** Type byte of a check that can never match (an empty interval). */
    private static final int NEVER = 0xFF;
    private static final ValueType[] TYPES = ValueType.values();

    private final int[] start;
    private final long[] rec;
    private final String[] s1, s2;
    private final int[] rest;

    ConditionTable(CompiledFilter[] ranked) {
        start = new int[ranked.length + 1];
        int n = 0;
        for (int r = 0; r < ranked.length; r++) {
            start[r] = n;
            n += ranked[r].conditions.length;
        }
        start[ranked.length] = n;
        rec = new long[n * FULL_STRIDE];
        s1 = new String[n];
        s2 = new String[n];
        rest = new int[BASE + ranked.length * STRIDE];
        for (int r = 0; r < ranked.length; r++) {
            fillFull(ranked[r], start[r]);
            fillRest(ranked[r], BASE + r * STRIDE);
        }
    }

    private void fillFull(CompiledFilter cf, int base) {
        int g = 0;
        for (int k = 0; k < cf.conditions.length; k++) {
            if (k == cf.groupEnd[g]) g++;
            CompiledCondition c = cf.conditions[k];
            int i = base + k;
            long groupEnd = base + cf.groupEnd[g];
            rec[i * FULL_STRIDE] = c.field | (long) c.op << 8 | (long) c.expectedType << 16 | groupEnd << 32;
            rec[i * FULL_STRIDE + 1] = c.aHi;
            rec[i * FULL_STRIDE + 2] = c.aLo;
            rec[i * FULL_STRIDE + 3] = c.bHi;
            rec[i * FULL_STRIDE + 4] = c.bLo;
            s1[i] = c.s1;
            s2[i] = c.s2;
        }
    }

    /** The block of the groups other than the indexed one, or header -1 if they do not fit one. */
    private void fillRest(CompiledFilter cf, int b) {
        int indexed = IndexBuilder.indexedGroup(cf);
        int n = 0, from = 0;
        for (int g = 0; g < cf.groupEnd.length; g++) {
            int to = cf.groupEnd[g];
            if (g != indexed) {
                for (int k = from; k < to; k++) {
                    CompiledCondition c = cf.conditions[k];
                    if (n == MAX_REST || IndexScore.intervalWidth(c) == 0) {
                        rest[b] = -1;
                        return;
                    }
                    long[] iv = c.interval((1L << TYPES[c.expectedType].bits()) - 1);
                    int o = b + 1 + 3 * n++;
                    rest[o] = c.field | (iv[0] > iv[1] ? NEVER : c.expectedType) << 8 | (k + 1 == to ? LAST_OF_GROUP : 0);
                    rest[o + 1] = (int) iv[0];
                    rest[o + 2] = (int) iv[1];
                }
            }
            from = to;
        }
        rest[b] = n;
    }

    /**
     * True if the groups of the filter at {@code rank} other than its indexed one match {@code in}: the test for a
     * candidate the index returned (only entries of the filter's own indexed group or of the residual list, where
     * it has none, are candidates).
     */
    boolean matchesRest(int rank, IncomingValues in) {
        int[] a = rest;
        int b = BASE + rank * STRIDE;
        int n = a[b];
        if (n < 0) return matches(rank, in);
        boolean group = false;
        for (int o = b + 1, end = o + 3 * n; o < end; o += 3) {
            int meta = a[o];
            int f = meta & 0xFF;
            if (!group && in.typeOrdinal(f) == ((meta >>> 8) & 0xFF)) {
                int lo = a[o + 1];
                group = Integer.compareUnsigned((int) in.lowAt(f) - lo, a[o + 2] - lo) <= 0;
            }
            if ((meta & LAST_OF_GROUP) != 0) {
                if (!group) return false; // no member of the group matched
                group = false;
            }
        }
        return true;
    }

    /** True if every OR group of the filter at {@code rank} has a member matching {@code in}. */
    boolean matches(int rank, IncomingValues in) {
        int i = start[rank], end = start[rank + 1];
        long[] a = rec;
        while (i < end) {
            int o = i * FULL_STRIDE;
            long meta = a[o];
            int groupEnd = (int) (meta >>> 32);
            int op = (int) (meta >>> 8) & 0xFF;
            boolean strings = op >= CompiledCondition.S_EQ; // read the string columns only when needed (cache)
            if (CompiledCondition.test(op, (int) meta & 0xFF, (int) (meta >>> 16) & 0xFF,
                    a[o + 1], a[o + 2], a[o + 3], a[o + 4], strings ? s1[i] : null, strings ? s2[i] : null, in)) {
                i = groupEnd; // group satisfied
            } else if (++i == groupEnd) {
                return false; // no member of the group matched
            }
        }
        return true;
    }
}
