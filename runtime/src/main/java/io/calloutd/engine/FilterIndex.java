package io.calloutd.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-layer candidate index (M-24). Each filter is filed under one "dimension" — (field, mask) of its most
 * selective OR group made only of equality/mask conditions (local/remote port, address prefix, protocol…) — under
 * every key of that group; filters with no such group go to the residual list. A lookup returns, for each
 * dimension, the one bucket the packet's value selects; every list holds ranks in ascending (arbitration) order,
 * so a k-way merge yields candidates in exact arbitration order. Candidates are a superset of the matching
 * filters; the arbiter still checks every condition.
 */
final class FilterIndex {
    private static final int[] NONE = new int[0];

    final int[] residual;
    private final int[] dimField;
    private final int[] dimType;
    private final long[] dimMaskHi;
    private final long[] dimMaskLo;
    private final KeyTable[] tables;

    private FilterIndex(int[] residual, List<Dim> dims) {
        this.residual = residual;
        int n = dims.size();
        dimField = new int[n];
        dimType = new int[n];
        dimMaskHi = new long[n];
        dimMaskLo = new long[n];
        tables = new KeyTable[n];
        for (int i = 0; i < n; i++) {
            Dim d = dims.get(i);
            dimField[i] = d.field;
            dimType[i] = d.type;
            dimMaskHi[i] = d.maskHi;
            dimMaskLo[i] = d.maskLo;
            Map<KeyTable.Key, int[]> frozen = new HashMap<>();
            d.buckets.forEach((k, v) -> frozen.put(k, v.toArray()));
            tables[i] = new KeyTable(frozen);
        }
    }

    /** Number of lists {@link #collect} can fill. */
    int maxLists() { return tables.length + 1; }

    /** Fills {@code lists} with the residual list and every hit bucket; returns how many were filled. */
    int collect(IncomingValues in, int[][] lists) {
        int n = 0;
        if (residual.length > 0) lists[n++] = residual;
        for (int d = 0; d < tables.length; d++) {
            int f = dimField[d];
            if (in.typeOrdinal(f) != dimType[d]) continue;
            int[] b = tables[d].get(in.highAt(f) & dimMaskHi[d], in.lowAt(f) & dimMaskLo[d]);
            if (b != null) lists[n++] = b;
        }
        return n;
    }

    static FilterIndex build(CompiledFilter[] ranked) {
        IntList residual = new IntList();
        Map<DimKey, Dim> dims = new LinkedHashMap<>();
        for (int r = 0; r < ranked.length; r++) {
            CompiledFilter cf = ranked[r];
            int best = -1, bestScore = 0, start = 0;
            for (int g = 0; g < cf.groupEnd.length; g++) {
                int s = groupScore(cf, start, cf.groupEnd[g]);
                if (s > bestScore) { bestScore = s; best = g; }
                start = cf.groupEnd[g];
            }
            if (best < 0) { residual.add(r); continue; }
            int from = best == 0 ? 0 : cf.groupEnd[best - 1];
            for (int k = from; k < cf.groupEnd[best]; k++) {
                CompiledCondition c = cf.conditions[k];
                DimKey dk = new DimKey(c.field, c.expectedType, c.indexMaskHi(), c.indexMaskLo());
                Dim d = dims.computeIfAbsent(dk, x -> new Dim(x.field, x.type, x.maskHi, x.maskLo));
                d.buckets.computeIfAbsent(new KeyTable.Key(c.aHi, c.aLo), x -> new IntList()).add(r);
            }
        }
        return new FilterIndex(residual.size == 0 ? NONE : residual.toArray(), new ArrayList<>(dims.values()));
    }

    /** Estimated selected bits of an OR group, or 0 if the group cannot be indexed. */
    private static int groupScore(CompiledFilter cf, int from, int to) {
        int min = Integer.MAX_VALUE;
        for (int k = from; k < to; k++) {
            CompiledCondition c = cf.conditions[k];
            if (!c.isIndexable()) return 0;
            int bits;
            if (c.field == Field.IP_PROTOCOL.ordinal()) bits = 2; // few distinct protocols carry most traffic
            else if (c.indexMaskHi() == -1L && c.indexMaskLo() == -1L) bits = ValueType.values()[c.expectedType].bits();
            else bits = Long.bitCount(c.indexMaskHi()) + Long.bitCount(c.indexMaskLo());
            min = Math.min(min, bits);
        }
        int n = to - from;
        int widen = n == 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
        return Math.max(0, min - widen);
    }

    private record DimKey(int field, int type, long maskHi, long maskLo) { }

    private static final class Dim {
        final int field, type;
        final long maskHi, maskLo;
        final Map<KeyTable.Key, IntList> buckets = new HashMap<>();

        Dim(int field, int type, long maskHi, long maskLo) {
            this.field = field;
            this.type = type;
            this.maskHi = maskHi;
            this.maskLo = maskLo;
        }
    }

    /** Growable int list; ignores a value equal to the last one (OR members with equal keys). */
    private static final class IntList {
        int[] a = new int[4];
        int size;

        void add(int v) {
            if (size > 0 && a[size - 1] == v) return;
            if (size == a.length) a = java.util.Arrays.copyOf(a, size * 2);
            a[size++] = v;
        }

        int[] toArray() { return java.util.Arrays.copyOf(a, size); }
    }
}
