package io.calloutd.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Immutable policy of one layer inside a snapshot: filters in arbitration order ("rank") and their index.
 * Arbitration order: sublayer weight desc (tie: sublayer key asc), then filter weight desc (UINT64, unsigned),
 * then filter id asc (§1.6.2, check 17).
 */
final class LayerPolicy {
    static final LayerPolicy EMPTY = new LayerPolicy(new CompiledFilter[0], new int[0], 0L);

    final CompiledFilter[] ranked;
    /** Sublayer ordinal (position in arbitration order) of each rank; used to detect sublayer boundaries. */
    final int[] sublayerOfRank;
    final FilterIndex index;
    final long generation;

    private LayerPolicy(CompiledFilter[] ranked, int[] sublayerOfRank, long generation) {
        this.ranked = ranked;
        this.sublayerOfRank = sublayerOfRank;
        this.index = FilterIndex.build(ranked);
        this.generation = generation;
    }

    static final Comparator<Filter> ARBITRATION_ORDER = (a, b) -> {
        int c = Sublayer.order(a.sublayer(), b.sublayer());
        if (c != 0) return c;
        c = Long.compareUnsigned(b.weight(), a.weight());
        return c != 0 ? c : Long.compare(a.id(), b.id());
    };

    static LayerPolicy build(Collection<CompiledFilter> filters, long generation) {
        List<CompiledFilter> list = new ArrayList<>(filters);
        list.sort((x, y) -> ARBITRATION_ORDER.compare(x.filter, y.filter));
        CompiledFilter[] ranked = list.toArray(new CompiledFilter[0]);
        int[] sub = new int[ranked.length];
        int s = -1;
        Sublayer prev = null;
        for (int i = 0; i < ranked.length; i++) {
            Sublayer cur = ranked[i].filter.sublayer();
            if (!cur.equals(prev)) { s++; prev = cur; }
            sub[i] = s;
        }
        return new LayerPolicy(ranked, sub, generation);
    }
}
