package io.calloutd.engine;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Build-time store of candidate lists, frozen into one int array so that a lookup yields an offset, not an object:
 * {@code pool[off]} is the list length, the entries follow in ascending rank order, then {@link #END}. An entry is
 * {@code rank << 3 | kind << 1 | certain}: "certain" means that reaching the list already proves every condition of
 * the filter, so the arbiter need not test them; the kind ({@link LayerPolicy#PERMIT} ...) lets a static filter
 * decide without a look at the filter. Both ride in the entry so that a candidate costs no memory access beyond the
 * list itself. Identical lists are stored once.
 */
final class CandidatePool {
    /**
     * Sentinel after the last entry of every list, above every entry: a merge reads a list's head without testing
     * for its end, so its loops carry no data-dependent branch to mispredict.
     */
    static final int END = Integer.MAX_VALUE;
    private int[] pool = new int[1024];
    private int size;
    private final Map<ListKey, Integer> interned = new HashMap<>();

    /** Offset of a list holding {@code entries[0, n)}; -1 for an empty list. */
    int intern(int[] entries, int n) {
        if (n == 0) return -1;
        ListKey k = new ListKey(Arrays.copyOf(entries, n));
        Integer off = interned.get(k);
        if (off != null) return off;
        if (n + 2 <= LINE_INTS && line(size) != line(size + n + 1)) size = (line(size) + 1) * LINE_INTS - ARRAY_HEADER_INTS;
        if (size + n + 2 > pool.length) pool = Arrays.copyOf(pool, Math.max(pool.length * 2, size + n + 2));
        int o = size;
        pool[size++] = n;
        System.arraycopy(entries, 0, pool, size, n);
        size += n;
        pool[size++] = END;
        interned.put(k, o);
        return o;
    }

    /**
     * Cache line of pool index {@code i}, assuming the frozen array starts 16 bytes (4 ints) after a 64-byte boundary,
     * as a large int array does in HotSpot (a humongous object starts a G1 region). A list of up to 14 entries is
     * then placed within one line (with its length and sentinel), so reading it costs one cache miss, not two; where the assumption does not hold
     * the padding only costs space.
     */
    private static int line(int i) { return (i + ARRAY_HEADER_INTS) / LINE_INTS; }

    private static final int LINE_INTS = 16;
    private static final int ARRAY_HEADER_INTS = 4;

    int[] freeze() { return Arrays.copyOf(pool, size); }

    /** Entry encoding. */
    static int entry(int rank, int kind, boolean certain) { return rank << 3 | kind << 1 | (certain ? 1 : 0); }

    /** Rank of an entry. */
    static int rank(int entry) { return entry >>> 3; }

    /** Kind of an entry's filter. */
    static int kind(int entry) { return (entry >>> 1) & 3; }

    /** True if reaching the entry proves the filter's conditions. */
    static boolean certain(int entry) { return (entry & 1) != 0; }

    /** Smallest entry of rank {@code rank}: lists are ascending in it. */
    static int first(int rank) { return rank << 3; }

    private record ListKey(int[] a) {
        @Override public boolean equals(Object o) { return o instanceof ListKey k && Arrays.equals(a, k.a); }

        @Override public int hashCode() { return Arrays.hashCode(a); }
    }
}
