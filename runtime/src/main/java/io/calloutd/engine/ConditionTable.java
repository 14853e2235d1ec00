package io.calloutd.engine;

/**
 * The conditions of one layer's filters flattened into primitive arrays, by rank, so that testing a candidate
 * touches one small record instead of a chain of objects.
 *
 * <p>Most filters test only fields of at most 32 bits against single intervals (equality, ranges, comparisons,
 * IPv4 prefixes). Each such filter gets a fixed {@value #STRIDE}-int block at {@code rank * STRIDE}: a header (the
 * number of checks) and up to {@value #MAX_FAST} checks of three ints (field, type and end-of-OR-group flag; low;
 * high). Its test is then one cache-line read found from the rank alone, which matters when the table is larger
 * than the caches. Any other filter (strings, IPv6 values, masks, flags tests, EMPTY tests, more checks) has a
 * negative header naming its records in the general table, whose records hold every match type (§1.3: a run of
 * same-field conditions is ORed).
 */
final class ConditionTable {
    /** Ints per fast block. */
    static final int STRIDE = 16;
    /** Checks a fast block holds. */
    static final int MAX_FAST = (STRIDE - 1) / 3;
    /**
     * Ints before block 0. A large int array sits 16 bytes after a 64-byte boundary in HotSpot (humongous objects
     * start a G1 region), so 12 ints of padding put every block on a cache line of its own; elsewhere it only
     * costs 48 bytes.
     */
    private static final int BASE = 12;
    private static final int GENERAL_STRIDE = 5; // meta, aHi, aLo, bHi, bLo
    private static final int LAST_OF_GROUP = 1 << 16;
    /** Type byte of a check that can never match (an empty interval). */
    private static final int NEVER = 0xFF;
    private static final ValueType[] TYPES = ValueType.values();

    private final int[] fast;
    private final long[] rec;
    private final String[] s1, s2;

    ConditionTable(CompiledFilter[] ranked) {
        fast = new int[BASE + ranked.length * STRIDE];
        int general = 0;
        for (CompiledFilter cf : ranked) if (!fits(cf)) general += cf.conditions.length;
        rec = new long[general * GENERAL_STRIDE];
        s1 = new String[general];
        s2 = new String[general];
        int next = 0;
        for (int r = 0; r < ranked.length; r++) {
            CompiledFilter cf = ranked[r];
            int b = BASE + r * STRIDE;
            if (fits(cf)) {
                fillFast(cf, b);
            } else {
                fast[b] = ~next;
                fast[b + 1] = cf.conditions.length;
                fillGeneral(cf, next);
                next += cf.conditions.length;
            }
        }
    }

    /** True if every condition of {@code cf} is an interval on a field of at most 32 bits, and they fit a block. */
    private static boolean fits(CompiledFilter cf) {
        if (cf.conditions.length > MAX_FAST) return false;
        for (CompiledCondition c : cf.conditions) if (IndexScore.intervalWidth(c) == 0) return false;
        return true;
    }

    private void fillFast(CompiledFilter cf, int b) {
        fast[b] = cf.conditions.length;
        int g = 0;
        for (int k = 0; k < cf.conditions.length; k++) {
            if (k == cf.groupEnd[g]) g++;
            CompiledCondition c = cf.conditions[k];
            long[] iv = c.interval((1L << TYPES[c.expectedType].bits()) - 1);
            boolean empty = iv[0] > iv[1];
            int o = b + 1 + 3 * k;
            fast[o] = c.field | (empty ? NEVER : c.expectedType) << 8 | (k + 1 == cf.groupEnd[g] ? LAST_OF_GROUP : 0);
            fast[o + 1] = (int) iv[0];
            fast[o + 2] = (int) iv[1];
        }
    }

    private void fillGeneral(CompiledFilter cf, int base) {
        int g = 0;
        for (int k = 0; k < cf.conditions.length; k++) {
            if (k == cf.groupEnd[g]) g++;
            CompiledCondition c = cf.conditions[k];
            int i = base + k;
            long groupEnd = base + cf.groupEnd[g];
            rec[i * GENERAL_STRIDE] = c.field | (long) c.op << 8 | (long) c.expectedType << 16 | groupEnd << 32;
            rec[i * GENERAL_STRIDE + 1] = c.aHi;
            rec[i * GENERAL_STRIDE + 2] = c.aLo;
            rec[i * GENERAL_STRIDE + 3] = c.bHi;
            rec[i * GENERAL_STRIDE + 4] = c.bLo;
            s1[i] = c.s1;
            s2[i] = c.s2;
        }
    }

    /** True if every OR group of the filter at {@code rank} has a member matching {@code in}. */
    boolean matches(int rank, IncomingValues in) {
        int[] a = fast;
        int b = BASE + rank * STRIDE;
        int n = a[b];
        if (n < 0) return matchesGeneral(~n, a[b + 1], in);
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

    private boolean matchesGeneral(int i, int count, IncomingValues in) {
        int end = i + count;
        long[] a = rec;
        while (i < end) {
            int o = i * GENERAL_STRIDE;
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
