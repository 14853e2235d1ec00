package io.calloutd.engine;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-layer candidate index (M-24). Each filter is filed under its most selective OR group (§1.3) that can be
 * indexed; filters without one go to the residual list. Two shapes:
 * <ul>
 *   <li><b>Stride tables</b> for fields of at most 32 bits (protocol, ports, IPv4 addresses, other integers):
 *   equality, prefixes (contiguous V4 masks) and ranges (RANGE, &lt;, &le;, &gt;, &ge;) become aligned prefix
 *   blocks, expanded to 8-bit strides ({@link PrefixBlocks}); one hash probe per stride (at most 4 per field)
 *   finds every filter whose group covers the packet's value.</li>
 *   <li><b>Masked-key tables</b> for wider fields (IPv6 addresses, UINT64) and non-contiguous V4 masks: one
 *   table per (field, mask), probed with the masked packet value.</li>
 * </ul>
 * Every list is stored in one int pool with ranks ascending (arbitration order), so the arbiter merges them in
 * exact arbitration order and can skip the rest of a sublayer by binary search. Candidates are a superset of the
 * matching filters; the arbiter still tests every condition.
 */
final class FilterIndex {
    /** Groups wider than this many stride keys are not indexed (a very wide range is barely selective). */
    private static final long MAX_EXPANSION = 4096;

    /** Rank lists: {@code pool[off]} = length, ranks follow. */
    final int[] pool;
    private final int residualOff;
    // Stride probes.
    private final int[] sField, sType, sShift;
    private final IntKeyTable[] sTable;
    // Masked-key probes.
    private final int[] dField, dType;
    private final long[] dMaskHi, dMaskLo;
    private final KeyTable[] dTable;

    private FilterIndex(Builder b) {
        int[] offsets = new int[b.pool.size()];
        pool = b.pool.freeze(offsets);
        residualOff = b.residual < 0 ? -1 : offsets[b.residual];
        int n = b.strides.size();
        sField = new int[n];
        sType = new int[n];
        sShift = new int[n];
        sTable = new IntKeyTable[n];
        int i = 0;
        for (Map.Entry<Long, Map<Integer, Integer>> e : b.strides.entrySet()) {
            long k = e.getKey();
            sField[i] = (int) (k >>> 16);
            sType[i] = (int) (k >>> 8) & 0xFF;
            sShift[i] = (int) k & 0xFF;
            sTable[i++] = new IntKeyTable(remap(e.getValue(), offsets));
        }
        int m = b.dims.size();
        dField = new int[m];
        dType = new int[m];
        dMaskHi = new long[m];
        dMaskLo = new long[m];
        dTable = new KeyTable[m];
        i = 0;
        for (Map.Entry<DimKey, Map<KeyTable.Key, Integer>> e : b.dims.entrySet()) {
            DimKey d = e.getKey();
            dField[i] = d.field;
            dType[i] = d.type;
            dMaskHi[i] = d.maskHi;
            dMaskLo[i] = d.maskLo;
            dTable[i++] = new KeyTable(remap(e.getValue(), offsets));
        }
    }

    private static <K> Map<K, Integer> remap(Map<K, Integer> ids, int[] offsets) {
        Map<K, Integer> out = new HashMap<>(ids.size() * 2);
        ids.forEach((k, id) -> out.put(k, offsets[id]));
        return out;
    }

    /** Number of lists {@link #collect} can fill. */
    int maxLists() { return 1 + sTable.length + dTable.length; }

    /**
     * Finds the candidate lists for {@code in}: for each, {@code from[n]} is the pool index of its first rank and
     * {@code to[n]} the end (exclusive). Returns how many lists were found. Allocates nothing.
     */
    int collect(IncomingValues in, int[] from, int[] to) {
        int n = 0;
        if (residualOff >= 0) n = put(residualOff, from, to, n);
        for (int p = 0; p < sTable.length; p++) {
            int f = sField[p];
            if (in.typeOrdinal(f) != sType[p]) continue;
            int off = sTable[p].get((int) (in.lowAt(f) >>> sShift[p]));
            if (off >= 0) n = put(off, from, to, n);
        }
        for (int d = 0; d < dTable.length; d++) {
            int f = dField[d];
            if (in.typeOrdinal(f) != dType[d]) continue;
            int off = dTable[d].get(in.highAt(f) & dMaskHi[d], in.lowAt(f) & dMaskLo[d]);
            if (off >= 0) n = put(off, from, to, n);
        }
        return n;
    }

    private int put(int off, int[] from, int[] to, int n) {
        from[n] = off + 1;
        to[n] = off + 1 + pool[off];
        return n + 1;
    }

    static FilterIndex build(CompiledFilter[] ranked) {
        Builder b = new Builder();
        for (int r = 0; r < ranked.length; r++) b.add(ranked[r], r);
        return new FilterIndex(b);
    }

    private record DimKey(int field, int type, long maskHi, long maskLo) { }

    /** Collects (probe, key) → list id while filters are added in rank order. */
    private static final class Builder {
        final RankPool pool = new RankPool();
        int residual = -1;
        /** Key: field << 16 | type << 8 | shift. */
        final Map<Long, Map<Integer, Integer>> strides = new LinkedHashMap<>();
        final Map<DimKey, Map<KeyTable.Key, Integer>> dims = new LinkedHashMap<>();

        void add(CompiledFilter cf, int rank) {
            int best = -1, start = 0, bestFrom = 0;
            double bestScore = 0;
            for (int g = 0; g < cf.groupEnd.length; g++) {
                double s = IndexScore.of(cf.conditions, start, cf.groupEnd[g], MAX_EXPANSION);
                if (s > bestScore) { bestScore = s; best = g; bestFrom = start; }
                start = cf.groupEnd[g];
            }
            if (best < 0) {
                if (residual < 0) residual = pool.newList();
                pool.add(residual, rank);
                return;
            }
            for (int k = bestFrom; k < cf.groupEnd[best]; k++) file(cf.conditions[k], rank);
        }

        private void file(CompiledCondition c, int rank) {
            int width = IndexScore.strideWidth(c);
            if (width > 0) {
                long[] iv = c.interval((1L << width) - 1);
                PrefixBlocks.expand(width, iv[0], iv[1], (stride, key) -> {
                    long probe = (long) c.field << 16 | (long) c.expectedType << 8 | (width - stride);
                    Map<Integer, Integer> t = strides.computeIfAbsent(probe, x -> new HashMap<>());
                    pool.add(t.computeIfAbsent(key, x -> pool.newList()), rank);
                });
                return;
            }
            DimKey dk = new DimKey(c.field, c.expectedType, c.indexMaskHi(), c.indexMaskLo());
            Map<KeyTable.Key, Integer> t = dims.computeIfAbsent(dk, x -> new HashMap<>());
            pool.add(t.computeIfAbsent(new KeyTable.Key(c.aHi, c.aLo), x -> pool.newList()), rank);
        }
    }
}
