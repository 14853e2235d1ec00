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
    /** Filter id by rank: reporting the deciding filter reads one long, not the filter object. */
    final long[] ids;
    /** First rank after the sublayer of each rank: where arbitration resumes once that sublayer has decided. */
    final int[] sublayerEnd;
    /** First rank of each sublayer, ascending, then the filter count: small, so it stays in cache. */
    private final int[] sublayerStarts;
    final FilterIndex index;
    final ConditionTable conditions;
    /** Highest rank of a callout filter, -1 if none: below it a hard decision ends arbitration early. */
    final int lastCallout;
    final long generation;

    private LayerPolicy(CompiledFilter[] ranked, int[] sublayerEnd, long generation) {
        this.ranked = ranked;
        this.sublayerEnd = sublayerEnd;
        this.ids = new long[ranked.length];
        for (int r = 0; r < ranked.length; r++) ids[r] = ranked[r].id;
        int subs = 0;
        for (int r = 0; r < ranked.length; r = sublayerEnd[r]) subs++;
        sublayerStarts = new int[subs + 1];
        for (int r = 0, i = 0; r < ranked.length; r = sublayerEnd[r]) sublayerStarts[i++] = r;
        sublayerStarts[subs] = ranked.length;
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

    /** First rank after the sublayer of {@code rank} ({@link #sublayerEnd} without a look into a per-rank array). */
    int nextSublayer(int rank) {
        int[] s = sublayerStarts;
        if (s.length <= 16) { // the usual handful of sublayers: count the starts at or below rank, without branching
            int i = 0;
            for (int x : s) i += x <= rank ? 1 : 0;
            return s[i];
        }
        int lo = 0, hi = s.length - 1; // smallest start > rank: s[hi] = ranked.length > rank
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (s[mid] > rank) hi = mid; else lo = mid + 1;
        }
        return s[lo];
    }

    /** Rank of {@code cf} in this policy, or -1 if it is not one of its filters (ranks follow arbitration order). */
    int rankOf(CompiledFilter cf) {
        int lo = 0, hi = ranked.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = ARBITRATION_ORDER.compare(ranked[mid].filter, cf.filter);
            if (c == 0) return ranked[mid] == cf ? mid : -1;
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
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
