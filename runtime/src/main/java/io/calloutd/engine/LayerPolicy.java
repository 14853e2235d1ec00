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
    /** First rank after the sublayer of each rank: where arbitration resumes once that sublayer has decided. */
    final int[] sublayerEnd;
    final FilterIndex index;
    final ConditionTable conditions;
    /** Highest rank of a callout filter, -1 if none: below it a hard decision ends arbitration early. */
    final int lastCallout;
    final long generation;

    private LayerPolicy(CompiledFilter[] ranked, int[] sublayerEnd, long generation) {
        this.ranked = ranked;
        this.sublayerEnd = sublayerEnd;
        byte[] kind = new byte[ranked.length];
        int last = -1;
        for (int r = 0; r < ranked.length; r++) {
            kind[r] = kindOf(ranked[r].filter);
            if (kind[r] == CALLOUT) last = r;
        }
        this.lastCallout = last;
        this.index = FilterIndex.build(ranked, kind, sublayerEnd); // list entries carry the kind
        this.conditions = new ConditionTable(ranked);
        this.generation = generation;
    }

    /** Filter kinds, as carried by list entries ({@link CandidatePool}). */
    static final byte PERMIT = 0, PERMIT_CLEARING = 1, BLOCK = 2, CALLOUT = 3;

    private static byte kindOf(Filter f) {
        switch (f.action()) {
            case PERMIT: return f.clearsActionRight() ? PERMIT_CLEARING : PERMIT;
            case BLOCK: return BLOCK;
            default: return CALLOUT;
        }
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
        int[] end = new int[ranked.length];
        for (int i = ranked.length - 1; i >= 0; i--) {
            boolean last = i + 1 == ranked.length || !ranked[i + 1].filter.sublayer().equals(ranked[i].filter.sublayer());
            end[i] = last ? i + 1 : end[i + 1];
        }
        return new LayerPolicy(ranked, end, generation);
    }
}
