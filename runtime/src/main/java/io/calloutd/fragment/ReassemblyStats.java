package io.calloutd.fragment;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of one {@link Reassembler}. Written only by the reassembler's thread (plain read + opaque
 * write, no lock and no contention); any thread may read them, values may be a moment stale.
 */
public final class ReassemblyStats {
    private static final FragmentDropReason[] REASONS = FragmentDropReason.values();
    private static final int HELD = REASONS.length;
    private static final int REASSEMBLED = HELD + 1;
    private static final int ATOMIC = HELD + 2;
    private static final int NOT_FRAGMENT = HELD + 3;
    private static final int MEMORY = HELD + 4;
    private static final int MEMORY_PEAK = HELD + 5;

    private final AtomicLongArray values = new AtomicLongArray(HELD + 6);

    /** Count of events for one drop reason (fragments for fragment reasons, datagrams for datagram reasons). */
    public long dropped(FragmentDropReason reason) {
        return values.get(reason.ordinal());
    }

    /** Fragments accepted and held. */
    public long fragmentsHeld() {
        return values.get(HELD);
    }

    /** Datagrams completed from two or more fragments. */
    public long datagramsReassembled() {
        return values.get(REASSEMBLED);
    }

    /** IPv6 atomic fragments (offset 0, M=0) returned as plain datagrams (RFC 6946). */
    public long atomicFragments() {
        return values.get(ATOMIC);
    }

    /** Packets offered that were not fragments. */
    public long notFragments() {
        return values.get(NOT_FRAGMENT);
    }

    /** Buffer capacity currently held, in bytes. */
    public long memoryBytes() {
        return values.get(MEMORY);
    }

    /** Highest {@link #memoryBytes()} observed after any {@code accept} returned. */
    public long memoryPeakBytes() {
        return values.get(MEMORY_PEAK);
    }

    void drop(FragmentDropReason reason) {
        bump(reason.ordinal(), 1);
    }

    void held() {
        bump(HELD, 1);
    }

    void reassembled() {
        bump(REASSEMBLED, 1);
    }

    void atomic() {
        bump(ATOMIC, 1);
    }

    void notFragment() {
        bump(NOT_FRAGMENT, 1);
    }

    void memory(long bytes) {
        values.setOpaque(MEMORY, bytes);
    }

    void notePeak(long bytes) {
        if (bytes > values.getPlain(MEMORY_PEAK)) {
            values.setOpaque(MEMORY_PEAK, bytes);
        }
    }

    private void bump(int index, long delta) {
        values.setOpaque(index, values.getPlain(index) + delta);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ReassemblyStats{held=").append(fragmentsHeld())
                .append(", reassembled=").append(datagramsReassembled())
                .append(", atomic=").append(atomicFragments())
                .append(", memory=").append(memoryBytes());
        for (FragmentDropReason r : REASONS) {
            long v = dropped(r);
            if (v != 0) {
                sb.append(", ").append(r.metricName()).append('=').append(v);
            }
        }
        return sb.append('}').toString();
    }
}
