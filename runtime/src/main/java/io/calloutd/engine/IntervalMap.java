package io.calloutd.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Immutable map from a W-bit value (W &le; 32) to the candidate list of every filter whose interval on this field
 * covers it. The value space is cut at every interval boundary into segments, each with its precomputed (pruned)
 * list; adjacent segments with the same list are merged. Lookup: a first level on the value's top bits (about one
 * bucket per segment, so it stays small) narrows the segments to the few starting in that bucket, then a short
 * binary search; a 16-bit field with many segments gets a direct array instead. Ranges and prefixes cost one
 * interval each at build time, however wide.
 */
final class IntervalMap {
    final int field, type;
    /** Right shift giving a value's first-level bucket. */
    private final int shift;
    /** Direct maps: pool offset (or -1) per value. Otherwise: first segment index per bucket (+ sentinel). */
    private final int[] first;
    /** Null for a direct map; else per segment, start &lt;&lt; 32 | (pool offset + 1). */
    private final long[] seg;

    private IntervalMap(int field, int type, int width, long[] starts, int[] offs, int n) {
        this.field = field;
        this.type = type;
        // About one bucket per segment keeps the search to a step or two and the table small (cache-resident).
        int bits = Math.min(Math.min(width, 16), Math.max(4, 33 - Integer.numberOfLeadingZeros(n)));
        shift = width - bits;
        if (bits == width && width <= 16) {
            first = new int[1 << width];
            for (int i = 0; i < n; i++) {
                int end = i + 1 < n ? (int) starts[i + 1] : first.length;
                Arrays.fill(first, (int) starts[i], end, offs[i]);
            }
            seg = null;
            return;
        }
        seg = new long[n];
        for (int i = 0; i < n; i++) seg[i] = starts[i] << 32 | (offs[i] + 1L);
        first = new int[(1 << bits) + 1];
        int i = 0;
        for (int h = 0; h < 1 << bits; h++) {
            long at = (long) h << shift;
            while (i + 1 < n && starts[i + 1] <= at) i++;
            first[h] = i;
        }
        first[1 << bits] = n - 1;
    }

    /** Pool offset of the list for value {@code v} (already known to have this map's type), or -1. */
    int lookup(long v) {
        if (seg == null) return first[(int) v];
        int h = (int) (v >>> shift);
        int lo = first[h], hi = first[h + 1];
        while (lo < hi) { // largest segment whose start <= v
            int mid = (lo + hi + 1) >>> 1;
            if (seg[mid] >>> 32 <= v) lo = mid; else hi = mid - 1;
        }
        return (int) seg[lo] - 1;
    }

    /** Collects intervals of one (field, type, protocol class), then sweeps them into segments. */
    static final class Builder {
        private final int field, type, width;
        private final List<long[]> items = new ArrayList<>(); // {lo, hi, entry}

        Builder(int field, int type, int width) {
            this.field = field;
            this.type = type;
            this.width = width;
        }

        void add(long lo, long hi, int rank, boolean certain) {
            long max = (1L << width) - 1;
            if (hi > max) hi = max;
            if (lo < 0) lo = 0;
            if (lo <= hi) items.add(new long[] {lo, hi, CandidatePool.entry(rank, certain)});
        }

        IntervalMap build(ListPruner pruner, CandidatePool pool) {
            long[][] byLo = items.toArray(new long[0][]);
            long[][] byEnd = byLo.clone();
            Arrays.sort(byLo, (a, b) -> Long.compare(a[0], b[0]));
            Arrays.sort(byEnd, (a, b) -> Long.compare(a[1], b[1]));
            long[] starts = new long[2 * byLo.length + 1];
            int[] offs = new int[starts.length];
            int n = 0, i = 0, j = 0, prevOff = -2;
            TreeMap<Integer, int[]> active = new TreeMap<>(); // rank -> {entry, multiplicity}
            int[] buf = new int[16];
            long max = (1L << width) - 1;
            long p = 0;
            while (p <= max) {
                while (j < byEnd.length && byEnd[j][1] + 1 == p) remove(active, (int) byEnd[j++][2]);
                while (i < byLo.length && byLo[i][0] == p) insert(active, (int) byLo[i++][2]);
                int len = 0;
                Map.Entry<Integer, int[]> e = active.firstEntry();
                while (e != null) {
                    if (len == buf.length) buf = Arrays.copyOf(buf, len * 2);
                    int entry = e.getValue()[0];
                    buf[len++] = entry;
                    int rank = entry >>> 1;
                    e = pruner.closes(rank, (entry & 1) != 0) ? active.ceilingEntry(pruner.next(rank)) : active.higherEntry(rank);
                }
                int off = pool.intern(buf, len);
                if (off != prevOff) {
                    starts[n] = p;
                    offs[n++] = off;
                    prevOff = off;
                }
                long nextLo = i < byLo.length ? byLo[i][0] : Long.MAX_VALUE;
                long nextEnd = j < byEnd.length ? byEnd[j][1] + 1 : Long.MAX_VALUE;
                p = Math.min(nextLo, nextEnd);
            }
            return new IntervalMap(field, type, width, starts, offs, n);
        }

        private static void insert(TreeMap<Integer, int[]> active, int entry) {
            int[] v = active.get(entry >>> 1);
            if (v != null) v[1]++; else active.put(entry >>> 1, new int[] {entry, 1});
        }

        private static void remove(TreeMap<Integer, int[]> active, int entry) {
            int[] v = active.get(entry >>> 1);
            if (--v[1] == 0) active.remove(entry >>> 1);
        }
    }
}
