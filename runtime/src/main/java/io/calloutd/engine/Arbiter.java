package io.calloutd.engine;

import static io.calloutd.engine.ClassifyOut.FLAG_ABSORB;
import static io.calloutd.engine.ClassifyOut.RIGHT_ACTION_WRITE;

/**
 * The §1.6.2 reference algorithm over one layer's candidates. Candidates arrive in arbitration order from a k-way
 * merge of the index lists, so sublayers appear highest weight first and, inside a sublayer, filters in weight
 * order; once a sublayer has a PERMIT/BLOCK its result is folded in at once and its remaining filters are skipped
 * by binary search in each list, so the work per sublayer does not grow with its size. Every sublayer is evaluated,
 * except that a hard decision (WRITE right cleared) ends arbitration when no callout filter ranks below it: §1.6.1
 * lets only a callout change a hard decision (veto) or observe the packet, so the static filters left cannot matter.
 * List entries carry each filter's kind, so static filters decide without touching the filter, and matches are
 * counted in the thread's own {@link FilterCounters} by rank: a static decision never visits a filter object.
 */
final class Arbiter {
    private final EngineCounters counters;

    Arbiter(EngineCounters counters) {
        this.counters = counters;
    }

    /** Runs arbitration of {@code p} into {@code st}. */
    void arbitrate(LayerPolicy p, Layer layer, IncomingValues in, ClassifyContext ctx, ClassifyResult res,
                   ArbitrationState st) {
        st.reset();
        if (p.ranked.length == 0) return;
        FilterIndex idx = p.index;
        res.ensureLists(idx.maxLists());
        int[] pos = res.from, end = res.to;
        int[] pool = idx.pool;
        int k = idx.collect(in, pos, end);
        ConditionTable conds = p.conditions;
        long[] counts = res.counters.countsFor(layer.ordinal(), p);
        while (true) {
            // k-way merge: smallest head entry; advance every list whose head equals it (drops duplicates). Every
            // list ends with CandidatePool.END, so neither loop branches on the data.
            int entry = CandidatePool.END;
            for (int i = 0; i < k; i++) entry = Math.min(entry, pool[pos[i]]);
            if (entry == CandidatePool.END) break;
            for (int i = 0; i < k; i++) pos[i] += pool[pos[i]] == entry ? 1 : 0;
            st.evaluated++;
            int rank = CandidatePool.rank(entry);
            if (!CandidatePool.certain(entry) && !conds.matchesRest(rank, in)) continue;
            FilterCounters.match(counts, rank);
            int kind = CandidatePool.kind(entry);
            boolean decided = kind == LayerPolicy.CALLOUT
                    ? evaluateCallout(p.ranked[rank], rank, layer, in, ctx, res, st)
                    : decideStatic(st, kind, rank);
            if (decided) {
                commit(p, st);
                // The sublayer has decided: the rest of its filters cannot matter (§1.6.2), skip them in every list.
                int next = p.nextSublayer(rank);
                // A hard decision stands unless a callout can still run (a veto, or an observable invocation).
                if ((st.rights & RIGHT_ACTION_WRITE) == 0 && next > p.lastCallout) break;
                int from = CandidatePool.first(next);
                for (int i = 0; i < k; i++) {
                    // Usually at most two entries of a list fall in the decided sublayer: step over them without
                    // branching on the data, and search only when more remain.
                    int q = pos[i];
                    q += pool[q] < from ? 1 : 0;
                    q += pool[q] < from ? 1 : 0;
                    pos[i] = pool[q] < from ? skipTo(pool, q, end[i], from) : q;
                }
            }
        }
        st.deciderId = st.deciderRank >= 0 ? p.ids[st.deciderRank] : 0;
        if (st.action == ActionType.BLOCK && st.deciderRank >= 0) FilterCounters.block(counts, st.deciderRank);
    }

    /** Action of a static filter, by kind ({@link LayerPolicy#PERMIT}, {@link LayerPolicy#PERMIT_CLEARING}, BLOCK). */
    private static final ActionType[] STATIC_ACTION = {ActionType.PERMIT, ActionType.PERMIT, ActionType.BLOCK};
    /** Rights a static filter leaves, by kind: only a plain PERMIT is soft (§1.6.1 rule 4; a static BLOCK is hard). */
    private static final int[] STATIC_RIGHTS = {RIGHT_ACTION_WRITE, 0, 0};

    /** A static PERMIT/BLOCK decides at once (looked up by kind: the kinds of a packet's filters are random). */
    private static boolean decideStatic(ArbitrationState st, int kind, int rank) {
        return decide(st, rank, STATIC_ACTION[kind], STATIC_RIGHTS[kind], 0, false, DecisionReason.FILTER);
    }

    /**
     * First index in [lo, hi] whose entry is at least {@code rank}; {@code pool[hi]} is the list's
     * {@link CandidatePool#END}, so there is one. Branch-free halving: list contents do not steer the branches.
     */
    private static int skipTo(int[] pool, int lo, int hi, int rank) {
        int base = lo, len = hi - lo + 1;
        while (len > 1) {
            int half = len >>> 1;
            base = pool[base + half] < rank ? base + half : base;
            len -= half;
        }
        return base + (pool[base] < rank ? 1 : 0);
    }

    /** Sublayer result r is folded into the layer out (the override policy of §1.6.1 rule 3, rule 5). */
    private static void commit(LayerPolicy p, ArbitrationState st) {
        if ((st.rights & RIGHT_ACTION_WRITE) != 0) {
            st.action = st.rAction;
            st.rights = st.rRights;
            st.flags |= st.rFlags;
            st.deciderRank = st.rRank;
            st.reason = st.rReason;
        } else if (st.action == ActionType.PERMIT && st.rAction == ActionType.BLOCK && st.rFromCallout) {
            st.overriddenFilterId = st.deciderRank >= 0 ? p.ids[st.deciderRank] : 0;
            st.action = ActionType.BLOCK;
            st.vetoed = true;
            st.flags |= st.rFlags;
            st.deciderRank = st.rRank;
            st.reason = DecisionReason.VETO;
        }
        // else: a hard decision is already in place; r is ignored.
    }

    private boolean evaluateCallout(CompiledFilter cf, int rank, Layer layer, IncomingValues in, ClassifyContext ctx,
                                    ClassifyResult res, ArbitrationState st) {
        Filter f = cf.filter;
        Callout c = cf.slot.callout;
        if (c == null) {
            counters.increment(layer, EngineCounters.Kind.CALLOUT_UNREGISTERED);
            return unregistered(cf, rank, st, DecisionReason.CALLOUT_UNREGISTERED);
        }
        ClassifyOut out = res.calloutOut;
        out.reset(st.action, st.rights, st.flags); // the callout gets a copy of the layer's out
        try {
            c.classify(in, ctx, f, out);
        } catch (RuntimeException e) {
            counters.increment(layer, EngineCounters.Kind.CALLOUT_ERRORS);
            return unregistered(cf, rank, st, DecisionReason.CALLOUT_ERROR);
        }
        if (out.notInvoked()) return false; // skipped by the runtime: the filter did not match (§2.1)
        ActionType a = out.actionType();
        ActionType normalised;
        switch (f.action()) {
            case CALLOUT_TERMINATING:
                normalised = a == ActionType.PERMIT ? ActionType.PERMIT : ActionType.BLOCK;
                break;
            case CALLOUT_UNKNOWN:
                normalised = a == ActionType.PERMIT || a == ActionType.BLOCK ? a : ActionType.CONTINUE;
                break;
            default: // CALLOUT_INSPECTION: whatever it returns counts as CONTINUE
                normalised = ActionType.CONTINUE;
        }
        if (normalised == ActionType.CONTINUE) return false;
        int flags = layer.allowsAbsorb() ? out.flags() & (FLAG_ABSORB | ClassifyOut.FLAG_SECURITY_ERROR) : 0;
        return decide(st, rank, normalised, out.rights(), flags, true, DecisionReason.CALLOUT);
    }

    /** §1.5: TERMINATING/UNKNOWN block (permit with PERMIT_IF_CALLOUT_UNREGISTERED), INSPECTION is skipped. */
    private static boolean unregistered(CompiledFilter cf, int rank, ArbitrationState st, DecisionReason reason) {
        Filter f = cf.filter;
        if (f.action() == FilterAction.CALLOUT_INSPECTION) return false;
        if ((f.flags() & FilterFlags.PERMIT_IF_CALLOUT_UNREGISTERED) != 0) {
            return decide(st, rank, ActionType.PERMIT, f.clearsActionRight() ? 0 : RIGHT_ACTION_WRITE, 0, false, reason);
        }
        return decide(st, rank, ActionType.BLOCK, 0, 0, false, reason);
    }

    private static boolean decide(ArbitrationState st, int rank, ActionType a, int rights, int flags,
                                  boolean fromCallout, DecisionReason reason) {
        st.rAction = a;
        st.rRights = rights;
        st.rFlags = flags;
        st.rRank = rank;
        st.rFromCallout = fromCallout;
        st.rReason = reason;
        return true;
    }
}
