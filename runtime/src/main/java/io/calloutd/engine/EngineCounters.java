package io.calloutd.engine;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Allocation-free per-layer counters (M-12, M-30). Per-filter counters are read with
 * {@link FilterEngine#filterMatches(long)} / {@link FilterEngine#filterBlocks(long)}.
 */
public final class EngineCounters {
    /** What is counted per layer. */
    public enum Kind {
        CLASSIFICATIONS, PERMITS, BLOCKS, ABSORBED, VETOES, DEFAULT_VERDICTS, CALLOUT_UNREGISTERED, CALLOUT_ERRORS,
        NET_EVENTS
    }

    private static final int K = Kind.values().length;
    private final AtomicLongArray counts = new AtomicLongArray(Layer.ALL.length * K);

    void increment(Layer layer, Kind kind) {
        counts.getAndIncrement(layer.ordinal() * K + kind.ordinal());
    }

    /** Current value of one counter. */
    public long get(Layer layer, Kind kind) {
        return counts.get(layer.ordinal() * K + kind.ordinal());
    }
}
