package io.calloutd.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * A filter plus its compiled conditions (grouped per §1.3), callout slot and counters. Survives snapshots; the
 * classify path tests conditions through the layer's flat {@link ConditionTable} and counts in per-thread
 * {@link FilterCounters}, which are added here when a thread leaves a policy.
 */
final class CompiledFilter {
    private static final VarHandle MATCHES, BLOCKS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            MATCHES = l.findVarHandle(CompiledFilter.class, "matches", long.class);
            BLOCKS = l.findVarHandle(CompiledFilter.class, "blocks", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Filter filter;
    /** The filter's id, copied here so that reporting a decision needs no hop to the {@link Filter}. */
    final long id;
    final CompiledCondition[] conditions;
    /** Exclusive end index of each OR group (run of consecutive same-field conditions). */
    final int[] groupEnd;
    final CalloutSlot slot;
    @SuppressWarnings("unused") private volatile long matches;
    @SuppressWarnings("unused") private volatile long blocks;

    CompiledFilter(Filter filter, CalloutSlot slot) {
        this.filter = filter;
        this.id = filter.id();
        this.slot = slot;
        List<Condition> cs = filter.conditions();
        conditions = new CompiledCondition[cs.size()];
        List<Integer> ends = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            conditions[i] = new CompiledCondition(cs.get(i), filter.layer());
            if (i + 1 == cs.size() || cs.get(i + 1).field() != cs.get(i).field()) ends.add(i + 1);
        }
        groupEnd = ends.stream().mapToInt(Integer::intValue).toArray();
    }

    void addMatches(long n) { MATCHES.getAndAdd(this, n); }

    void addBlocks(long n) { BLOCKS.getAndAdd(this, n); }

    long matchCount() { return (long) MATCHES.getVolatile(this); }

    long blockCount() { return (long) BLOCKS.getVolatile(this); }
}
