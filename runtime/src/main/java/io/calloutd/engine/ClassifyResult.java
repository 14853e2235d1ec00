package io.calloutd.engine;

/**
 * Reusable result of {@link FilterEngine#classify}; also carries the per-thread scratch the engine needs, so
 * classification allocates nothing in steady state. One instance per packet thread.
 */
public final class ClassifyResult {
    Layer layer;
    Verdict verdict;
    ActionType action;
    int rights;
    int flags;
    long filterId;
    DecisionReason reason;
    boolean absorbed;
    boolean vetoed;
    long overriddenFilterId;
    Verdict discardVerdict;
    long generation;
    int filtersEvaluated;

    // Scratch (engine-private).
    final ClassifyOut calloutOut = new ClassifyOut();
    int[] from = new int[8];
    int[] to = new int[8];
    /** This thread's filter counters, for the engine that last classified with this result. */
    FilterCounters counters;
    ArbitrationState main = new ArbitrationState();
    ArbitrationState discard = new ArbitrationState();

    /** Creates an empty result. */
    public ClassifyResult() { }

    void ensureLists(int n) {
        if (from.length < n) {
            from = new int[n];
            to = new int[n];
        }
    }

    /** Layer classified. */
    public Layer layer() { return layer; }
    /** Final verdict. */
    public Verdict verdict() { return verdict; }
    /** True if the verdict is BLOCK. */
    public boolean blocked() { return verdict == Verdict.BLOCK; }
    /** Arbitrated action: PERMIT, BLOCK, or CONTINUE when no sublayer decided (then the default verdict applied). */
    public ActionType action() { return action; }
    /** Final rights (WRITE absent = hard decision). */
    public int rights() { return rights; }
    /** Accumulated classify-out flags. */
    public int flags() { return flags; }
    /** Id of the deciding filter (the vetoing filter after a veto); 0 if the default verdict applied. */
    public long filterId() { return filterId; }
    /** Why the verdict was reached. */
    public DecisionReason reason() { return reason; }
    /** True if BLOCK with ABSORB: silent drop, no discard classify, no drop event (§1.6.6). */
    public boolean absorbed() { return absorbed; }
    /** True if a callout vetoed a hard permit. */
    public boolean vetoed() { return vetoed; }
    /** The filter whose hard permit was vetoed, else 0. */
    public long overriddenFilterId() { return overriddenFilterId; }
    /** Verdict of the discard-twin classification, or null if none ran (lets the path suppress RST/ICMP errors). */
    public Verdict discardVerdict() { return discardVerdict; }
    /** Policy generation of the layer that was used. */
    public long generation() { return generation; }
    /** Filters whose conditions were tested (index efficiency diagnostic). */
    public int filtersEvaluated() { return filtersEvaluated; }

    @Override public String toString() {
        return layer + ": " + verdict + " by filter " + filterId + " (" + reason + (absorbed ? ", absorbed" : "")
                + (vetoed ? ", vetoed " + overriddenFilterId : "") + ")";
    }
}
