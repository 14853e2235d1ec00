package io.calloutd.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A lock-free circular event log (like WFP's in-memory net-event log, §8.7): the newest {@code capacity} events are
 * kept, older ones are overwritten and counted in {@link #overwritten()}.
 */
public final class BoundedNetEventSink implements NetEventSink {
    private final AtomicReferenceArray<NetEvent> ring;
    private final AtomicLong written = new AtomicLong();

    /** A log holding at most {@code capacity} events. */
    public BoundedNetEventSink(int capacity) {
        if (capacity <= 0) throw new IllegalArgumentException("capacity must be > 0");
        this.ring = new AtomicReferenceArray<>(capacity);
    }

    @Override public void onEvent(NetEvent event) {
        long seq = written.getAndIncrement();
        ring.set((int) (seq % ring.length()), event);
    }

    /** Total events ever delivered. */
    public long total() { return written.get(); }

    /** Events lost to overwriting. */
    public long overwritten() { return Math.max(0, written.get() - ring.length()); }

    /** The retained events, oldest first (a snapshot; concurrent writers may race with it). */
    public List<NetEvent> snapshot() {
        long end = written.get();
        long start = Math.max(0, end - ring.length());
        List<NetEvent> out = new ArrayList<>();
        for (long s = start; s < end; s++) {
            NetEvent e = ring.get((int) (s % ring.length()));
            if (e != null) out.add(e);
        }
        return out;
    }
}
