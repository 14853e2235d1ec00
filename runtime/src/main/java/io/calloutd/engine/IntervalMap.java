package io.calloutd.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Immutable map from a W-bit value (W &le; 32) to the candidate list of every filter whose interval on this field
 * covers it. The value space is cut at every interval boundary into segments, each with its precomputed (pruned)
 * list; adjacent segments with the same list are merged. Lookup is split in two steps so that a caller probing
 * several maps can issue every first-level load before it waits on any ({@link FilterIndex#collect}):
 * {@link #bucket} reads one first-level slot (about two slots per segment); a slot that lies inside one segment
 * holds that segment's list offset itself (most do, and every slot of a direct 8/16-bit table), so
 * {@link #resolve} answers without a second memory access; otherwise it names the segment covering the slot's
 * start, and a short exponential search over the segments starting in the slot finishes. Ranges and prefixes
 * cost one interval each at build time, however wide.
 */
final class IntervalMap {
    /** Tag of a first-level slot that holds a list offset (+1) instead of a segment index. */
    private static final int INLINE = 0x8000_0000;
    /** A slot value that resolves to no list (for a value of the wrong type). */
    static final int EMPTY_SLOT = INLINE;
    final int field, type;
    /** Right shift giving a value's first-level slot. */
    private final int shift;
    /** Per slot: INLINE | (pool offset + 1), or the index of the segment covering the slot's first value. */
    private final int[] first;
    /** Per segment: start &lt;&lt; 32 | (pool offset + 1). */
    private final long[] seg;
    /** Number of real segments ({@link #seg} is followed by sentinels). */
    private final int segments;
    /** Segment boundaries a cut slot steps over without a branch before it falls back to a search. */
    private static final int STEPS = 4;

    private IntervalMap(int field, int type, int width, long[] starts, int[] offs, int n) {
        this.field = field;
        this.type = type;
        // About two slots per segment: most slots then lie inside one segment, and the table stays small.
        int bits = Math.min(Math.min(width, 20), Math.max(4, 34 - Integer.numberOfLeadingZeros(n)));
        if (width <= 16 && bits >= width - 1) bits = width; // direct table: every slot inline
        shift = width - bits;
        seg = new long[n + STEPS + 1];
        for (int i = 0; i < n; i++) seg[i] = starts[i] << 32 | (offs[i] + 1L);
        java.util.Arrays.fill(seg, n, seg.length, -1L); // sentinels: above every probe key (unsigned)
        segments = n;
        first = new int[1 << bits];
        int i = 0;
        for (int h = 0; h < first.length; h++) {
            long at = (long) h << shift, next = (long) (h + 1) << shift;
            while (i + 1 < n && starts[i + 1] <= at) i++;
            boolean alone = i + 1 == n || starts[i + 1] >= next;
            first[h] = alone ? INLINE | (offs[i] + 1) : i;
        }
    }

    /** First step of a lookup of value {@code v} (already known to have this map's type): its first-level slot. */
    int bucket(long v) { return first[(int) (v >>> shift)]; }

    /** Second step: pool offset of the list for {@code v}, or -1, given {@code slot = bucket(v)}. */
    int resolve(int slot, long v) {
        if (slot < 0) return (slot & ~INLINE) - 1;
        long[] s = seg;
        // A segment starting at or below v compares (unsigned) at or below the key; a sentinel never does. A cut
        // slot usually holds one to three boundaries: step over them without branching on the data.
        long key = (v << 32 | 0xFFFF_FFFEL) + Long.MIN_VALUE;
        int lo = slot;
        for (int i = 0; i < STEPS; i++) lo += s[lo + 1] + Long.MIN_VALUE <= key ? 1 : 0;
        if (s[lo + 1] + Long.MIN_VALUE <= key) lo = search(lo, v);
        return (int) s[lo] - 1;
    }

    /** The last segment starting at or below {@code v}, from segment {@code lo}, which does. */
    private int search(int lo, long v) {
        long[] s = seg;
        int n = segments, step = 1, hi;
        while (true) { // gallop: the segments starting inside the slot are adjacent in memory
            int j = lo + step;
            if (j >= n) { hi = n - 1; break; }
            if (s[j] >>> 32 > v) { hi = j - 1; break; }
            lo = j;
            step <<= 1;
        }
        while (lo < hi) { // largest segment whose start <= v
            int mid = (lo + hi + 1) >>> 1;
            if (s[mid] >>> 32 <= v) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    /** Pool offset of the list for value {@code v}, or -1 (both steps at once). */
    int lookup(long v) { return resolve(bucket(v), v); }

    /** Collects intervals of one (field, type, protocol class), then sweeps them into segments. */
    static final class Builder {
        private final int field, type, width;
        private final List<long[]> items = new ArrayList<>(); // {lo, hi, entry}

        Builder(int field, int type, int width) {
            this.field = field;
            this.type = type;
            this.width = width;
        }

        void add(long lo, long hi, int entry) {
            long max = (1L << width) - 1;
            if (hi > max) hi = max;
            if (lo < 0) lo = 0;
            if (lo <= hi) items.add(new long[] {lo, hi, entry});
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
                    int rank = CandidatePool.rank(entry);
                    e = pruner.closes(rank, CandidatePool.certain(entry)) ? active.ceilingEntry(pruner.next(rank)) : active.higherEntry(rank);
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
            int rank = CandidatePool.rank(entry);
            int[] v = active.get(rank);
            if (v != null) v[1]++; else active.put(rank, new int[] {entry, 1});
        }

        private static void remove(TreeMap<Integer, int[]> active, int entry) {
            int rank = CandidatePool.rank(entry);
            int[] v = active.get(rank);
            if (--v[1] == 0) active.remove(rank);
        }
    }
}
