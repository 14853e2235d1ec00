package io.calloutd.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a {@link FilterIndex}: files every filter (in rank order) into the lists of each protocol class it allows. */
final class IndexBuilder {
    private final CompiledFilter[] ranked;
    private final ProtocolClasses classes;
    private final ListPruner pruner;
    private final CandidatePool pool = new CandidatePool();
    private final ListPruner.Growing[] residual;
    private final List<Map<Long, IntervalMap.Builder>> maps = new ArrayList<>();
    private final List<Map<DimKey, Map<KeyTable.Key, ListPruner.Growing>>> keys = new ArrayList<>();

    IndexBuilder(CompiledFilter[] ranked, byte[] kind, int[] sublayerEnd) {
        this.ranked = ranked;
        this.classes = new ProtocolClasses(ranked);
        this.pruner = new ListPruner(kind, sublayerEnd);
        residual = new ListPruner.Growing[classes.count];
        for (int c = 0; c < classes.count; c++) {
            residual[c] = pruner.new Growing();
            maps.add(new LinkedHashMap<>());
            keys.add(new LinkedHashMap<>());
        }
    }

    FilterIndex build() {
        for (int r = 0; r < ranked.length; r++) add(ranked[r], r);
        int n = classes.count;
        int[] res = new int[n];
        IntervalMap[][] im = new IntervalMap[n][];
        KeyTable[][] kt = new KeyTable[n][];
        for (int c = 0; c < n; c++) {
            res[c] = residual[c].intern(pool);
            im[c] = maps.get(c).values().stream().map(b -> b.build(pruner, pool)).toArray(IntervalMap[]::new);
            List<KeyTable> tables = new ArrayList<>();
            for (Map.Entry<DimKey, Map<KeyTable.Key, ListPruner.Growing>> e : keys.get(c).entrySet()) {
                Map<KeyTable.Key, Integer> offs = new HashMap<>();
                e.getValue().forEach((k, g) -> offs.put(k, g.intern(pool)));
                DimKey d = e.getKey();
                tables.add(new KeyTable(d.field, d.type, d.maskHi, d.maskLo, offs));
            }
            kt[c] = tables.toArray(new KeyTable[0]);
        }
        return new FilterIndex(pool.freeze(), classes, res, im, kt);
    }

    /** The OR group a filter is filed under (its most selective indexable one), or -1 if it goes to the residual list. */
    static int indexedGroup(CompiledFilter cf) {
        int best = -1, start = 0;
        double bestScore = 0;
        for (int g = 0; g < cf.groupEnd.length; g++) {
            double s = IndexScore.of(cf.conditions, start, cf.groupEnd[g]);
            if (s > bestScore) { bestScore = s; best = g; }
            start = cf.groupEnd[g];
        }
        return best;
    }

    private void add(CompiledFilter cf, int rank) {
        int best = indexedGroup(cf), start;
        int[] pg = ProtocolClasses.protocolGroup(cf);
        boolean[] fileIn = new boolean[classes.count];
        if (pg == null) java.util.Arrays.fill(fileIn, true);
        else for (int k = pg[0]; k < pg[1]; k++) fileIn[classes.of((int) cf.conditions[k].aLo)] = true;
        for (int c = 0; c < classes.count; c++) {
            if (!fileIn[c]) continue;
            // Certain: every group except the indexed one is implied by the class (only a protocol group can be).
            boolean certain = true;
            start = 0;
            int bestFrom = 0;
            for (int g = 0; g < cf.groupEnd.length; g++) {
                if (g == best) bestFrom = start;
                else if (pg == null || pg[0] != start || c == classes.other()) certain = false;
                start = cf.groupEnd[g];
            }
            if (best < 0) {
                residual[c].add(rank, certain);
                continue;
            }
            for (int k = bestFrom; k < cf.groupEnd[best]; k++) file(c, cf.conditions[k], rank, certain);
        }
    }

    private void file(int cls, CompiledCondition c, int rank, boolean certain) {
        int width = IndexScore.intervalWidth(c);
        if (width > 0) {
            long[] iv = c.interval((1L << width) - 1);
            long key = (long) c.field << 8 | c.expectedType;
            maps.get(cls).computeIfAbsent(key, x -> new IntervalMap.Builder(c.field, c.expectedType, width))
                    .add(iv[0], iv[1], pruner.entry(rank, certain));
            return;
        }
        DimKey dk = new DimKey(c.field, c.expectedType, c.indexMaskHi(), c.indexMaskLo());
        keys.get(cls).computeIfAbsent(dk, x -> new HashMap<>())
                .computeIfAbsent(new KeyTable.Key(c.aHi, c.aLo), x -> pruner.new Growing()).add(rank, certain);
    }

    private record DimKey(int field, int type, long maskHi, long maskLo) { }
}
