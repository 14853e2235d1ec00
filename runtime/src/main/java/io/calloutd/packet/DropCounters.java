package io.calloutd.packet;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per-{@link DropReason} counters. One writer thread per instance (increment is a plain
 * read-then-release-store, no CAS); any thread may read. Sum several instances for a total view.
 */
public final class DropCounters {
    private static final DropReason[] REASONS = DropReason.values();
    private final AtomicLongArray counts = new AtomicLongArray(REASONS.length);

    /** Adds one to {@code reason}'s counter. Only the owning thread may call this. */
    public void increment(DropReason reason) {
        int i = reason.ordinal();
        // Single writer: no lost updates without a CAS; the release store publishes to readers.
        counts.lazySet(i, counts.get(i) + 1);
    }

    /** Adds {@code n} to {@code reason}'s counter. Only the owning thread may call this. */
    public void add(DropReason reason, long n) {
        int i = reason.ordinal();
        counts.lazySet(i, counts.get(i) + n);
    }

    /** Current count for {@code reason}. */
    public long get(DropReason reason) {
        return counts.get(reason.ordinal());
    }

    /** Sum over all reasons. */
    public long total() {
        long t = 0;
        for (int i = 0; i < REASONS.length; i++) {
            t += counts.get(i);
        }
        return t;
    }

    /** Sum over the reasons of one category. */
    public long total(DropCategory category) {
        long t = 0;
        for (DropReason r : REASONS) {
            if (r.category() == category) {
                t += counts.get(r.ordinal());
            }
        }
        return t;
    }

    /** Snapshot of the non-zero counters, for reporting only (allocates). */
    public Map<DropReason, Long> snapshot() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : REASONS) {
            long v = counts.get(r.ordinal());
            if (v != 0) {
                m.put(r, v);
            }
        }
        return Collections.unmodifiableMap(m);
    }
}
