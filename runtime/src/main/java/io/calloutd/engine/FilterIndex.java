package io.calloutd.engine;

/**
 * Per-layer candidate index (M-24). Tables are kept per protocol class ({@link ProtocolClasses}); each filter is filed,
 * in the classes its protocol allows, under its most selective indexable OR group (§1.3), or in the class's residual
 * list if it has none. Two shapes:
 * <ul>
 *   <li><b>Interval maps</b> ({@link IntervalMap}) for fields of at most 32 bits: equality, IPv4 prefixes and
 *   ranges/comparisons are intervals; one lookup per field gives every filter whose interval covers the value.</li>
 *   <li><b>Masked-key tables</b> for wider fields (IPv6 addresses, UINT64) and non-contiguous V4 masks: one table
 *   per (field, mask), probed with the masked packet value.</li>
 * </ul>
 * Lists hold ranks ascending (arbitration order) and are pruned per sublayer after the first entry that surely
 * matches and decides ({@link ListPruner}), so their length does not grow with the number of filters; an entry
 * marked certain needs no condition test. The arbiter merges the lists in rank order. Lookups in the interval maps
 * of a class are done in two passes (all first-level loads, then the rest), so their cache misses overlap: with
 * 100 000 filters the tables no longer fit in the core's caches, and these misses are most of a lookup's cost.
 */
final class FilterIndex {
    /** Rank lists: {@code pool[off]} = length, entries follow. */
    final int[] pool;
    private final ProtocolClasses classes;
    /** Per class: residual list offset (or -1), interval maps, masked-key tables. */
    private final int[] residual;
    private final IntervalMap[][] maps;
    private final KeyTable[][] keys;
    private final int maxLists;

    FilterIndex(int[] pool, ProtocolClasses classes, int[] residual, IntervalMap[][] maps, KeyTable[][] keys) {
        this.pool = pool;
        this.classes = classes;
        this.residual = residual;
        this.maps = maps;
        this.keys = keys;
        int m = 0;
        for (int c = 0; c < classes.count; c++) m = Math.max(m, 1 + maps[c].length + keys[c].length);
        maxLists = m;
    }

    /** Number of lists {@link #collect} can fill. */
    int maxLists() { return maxLists; }

    /**
     * Finds the candidate lists for {@code in}: for each, {@code from[n]} is the pool index of its first entry and
     * {@code to[n]} the end (exclusive). Returns how many lists were found. Allocates nothing.
     */
    int collect(IncomingValues in, int[] from, int[] to) {
        int c = classes.of(in);
        int n = 0;
        if (residual[c] >= 0) n = put(residual[c], from, to, n);
        IntervalMap[] ms = maps[c];
        // Two passes: every map's first-level load is issued before any result is used, so that their cache
        // misses overlap instead of queueing one behind another (a type mismatch reads as the empty slot).
        int base = n;
        for (int i = 0; i < ms.length; i++) {
            IntervalMap m = ms[i];
            int f = m.field;
            to[base + i] = in.typeOrdinal(f) == m.type ? m.bucket(in.lowAt(f)) : IntervalMap.EMPTY_SLOT;
        }
        for (int i = 0; i < ms.length; i++) {
            int off = ms[i].resolve(to[base + i], in.lowAt(ms[i].field));
            if (off >= 0) n = put(off, from, to, n); // n <= base + i: never overwrites a slot still to be read
        }
        for (KeyTable t : keys[c]) {
            int f = t.field;
            if (in.typeOrdinal(f) != t.type) continue;
            int off = t.get(in.highAt(f) & t.maskHi, in.lowAt(f) & t.maskLo);
            if (off >= 0) n = put(off, from, to, n);
        }
        return n;
    }

    private int put(int off, int[] from, int[] to, int n) {
        from[n] = off + 1;
        to[n] = off + 1 + pool[off];
        return n + 1;
    }

    static FilterIndex build(CompiledFilter[] ranked, byte[] kind, int[] sublayerEnd) {
        return new IndexBuilder(ranked, kind, sublayerEnd).build();
    }
}
