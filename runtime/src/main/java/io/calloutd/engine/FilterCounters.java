package io.calloutd.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One packet thread's filter counters (matches and blocks), kept per layer by rank in the policy the thread last
 * classified with, the way the kernel keeps rule counters per CPU. Counting is then a plain increment of a line no
 * other thread writes: no atomic instruction on the classify path, and no visit to the filter object itself,
 * which with 100 000 filters is a cache miss per matched filter. When the thread meets a new policy of a layer,
 * the counts of the old one are added to the filters ({@link CompiledFilter}), which survive policies; readers add
 * the counts still held here ({@link FilterEngine#filterMatches}). While a thread switches policy its last counts
 * can be missing from a read for that moment; they are never lost or counted twice once it has switched.
 */
final class FilterCounters {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle BLOCKS = MethodHandles.arrayElementVarHandle(Block[].class);

    /** The engine these counters belong to. */
    final FilterEngine engine;
    /** Per layer ordinal: the counts for one policy. */
    private final Block[] blocks = new Block[Layer.ALL.length];

    FilterCounters(FilterEngine engine) {
        this.engine = engine;
    }

    /** Counts of one layer policy: {@code counts[2 * rank]} matches, {@code counts[2 * rank + 1]} blocks. */
    static final class Block {
        final LayerPolicy policy;
        final long[] counts;

        Block(LayerPolicy policy) {
            this.policy = policy;
            this.counts = new long[2 * policy.ranked.length];
        }
    }

    /**
     * The counts array for classifying {@code layer} with policy {@code p}, switching to {@code p} first if the
     * thread used another policy of the layer before (allocates then, once per policy change; never in steady state).
     */
    long[] countsFor(int layer, LayerPolicy p) {
        Block b = blocks[layer];
        if (b != null && b.policy == p) return b.counts;
        Block next = new Block(p);
        BLOCKS.setRelease(blocks, layer, next);
        if (b != null) flush(b);
        return next.counts;
    }

    /** Counts a match of {@code rank} (owner thread only). */
    static void match(long[] counts, int rank) {
        int i = 2 * rank;
        LONGS.setOpaque(counts, i, counts[i] + 1);
    }

    /** Counts a block decided by {@code rank} (owner thread only). */
    static void block(long[] counts, int rank) {
        int i = 2 * rank + 1;
        LONGS.setOpaque(counts, i, counts[i] + 1);
    }

    /** Matches of {@code cf} held here and not yet added to it. */
    long matchesOf(CompiledFilter cf) { return held(cf, 0); }

    /** Blocks by {@code cf} held here and not yet added to it. */
    long blocksOf(CompiledFilter cf) { return held(cf, 1); }

    private long held(CompiledFilter cf, int which) {
        Block b = (Block) BLOCKS.getAcquire(blocks, cf.filter.layer().ordinal());
        if (b == null) return 0;
        int rank = b.policy.rankOf(cf);
        return rank < 0 ? 0 : (long) LONGS.getOpaque(b.counts, 2 * rank + which);
    }

    /** Adds every held count to its filter and forgets it (the owner has stopped classifying with these counters). */
    void flushAll() {
        for (int l = 0; l < blocks.length; l++) {
            Block b = (Block) BLOCKS.getAndSet(blocks, l, (Block) null);
            if (b != null) flush(b);
        }
    }

    private static void flush(Block b) {
        CompiledFilter[] ranked = b.policy.ranked;
        long[] c = b.counts;
        for (int r = 0; r < ranked.length; r++) {
            long m = c[2 * r], k = c[2 * r + 1];
            if (m != 0) ranked[r].addMatches(m);
            if (k != 0) ranked[r].addBlocks(k);
        }
    }
}
