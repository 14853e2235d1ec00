package io.calloutd.engine;

/**
 * The conditions of one layer's filters flattened into primitive arrays, by rank, so that testing a candidate
 * touches one small contiguous record per condition instead of a chain of objects. Conditions of rank r occupy
 * [start[r], start[r+1]); each records the end of its OR group (§1.3: a run of same-field conditions is ORed).
 */
final class ConditionTable {
    private static final int STRIDE = 5; // meta, aHi, aLo, bHi, bLo
    private final int[] start;
    private final long[] rec;
    private final String[] s1, s2;

    ConditionTable(CompiledFilter[] ranked) {
        start = new int[ranked.length + 1];
        int n = 0;
        for (int r = 0; r < ranked.length; r++) {
            start[r] = n;
            n += ranked[r].conditions.length;
        }
        start[ranked.length] = n;
        rec = new long[n * STRIDE];
        s1 = new String[n];
        s2 = new String[n];
        for (int r = 0; r < ranked.length; r++) {
            CompiledFilter cf = ranked[r];
            int base = start[r], g = 0;
            for (int k = 0; k < cf.conditions.length; k++) {
                if (k == cf.groupEnd[g]) g++;
                CompiledCondition c = cf.conditions[k];
                int i = base + k;
                long groupEnd = base + cf.groupEnd[g];
                rec[i * STRIDE] = c.field | (long) c.op << 8 | (long) c.expectedType << 16 | groupEnd << 32;
                rec[i * STRIDE + 1] = c.aHi;
                rec[i * STRIDE + 2] = c.aLo;
                rec[i * STRIDE + 3] = c.bHi;
                rec[i * STRIDE + 4] = c.bLo;
                s1[i] = c.s1;
                s2[i] = c.s2;
            }
        }
    }

    /** True if every OR group of the filter at {@code rank} has a member matching {@code in}. */
    boolean matches(int rank, IncomingValues in) {
        int i = start[rank], end = start[rank + 1];
        long[] a = rec;
        while (i < end) {
            int o = i * STRIDE;
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
