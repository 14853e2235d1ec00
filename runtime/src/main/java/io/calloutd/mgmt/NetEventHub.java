package io.calloutd.mgmt;

import io.calloutd.engine.NetEvent;
import io.calloutd.engine.NetEventSink;
import io.calloutd.engine.NetEventType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The engine's net event sink for the daemon (§8.7): the packet thread only writes into a lock-free ring; a
 * drain thread reads new events and fans them out to listeners (API subscribers, the JSON log). A slow listener
 * can therefore never block classification: when the ring laps the drain, the oldest events are lost and counted.
 */
public final class NetEventHub implements NetEventSink, AutoCloseable {
    private record Slot(long seq, NetEvent event) { }

    private final AtomicReferenceArray<Slot> ring;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final List<Consumer<NetEvent>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean collect = true;
    private final Thread drain;
    private volatile boolean running = true;
    private long next;

    /** A hub retaining {@code capacity} events, drained every {@code periodMillis}. */
    public NetEventHub(int capacity, long periodMillis) {
        if (capacity <= 0) throw new IllegalArgumentException("capacity must be > 0");
        ring = new AtomicReferenceArray<>(capacity);
        drain = new Thread(() -> {
            while (running) {
                drainOnce();
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "calloutd-netevents");
        drain.setDaemon(true);
        drain.start();
    }

    @Override public boolean accepts(NetEventType type) { return collect; }

    @Override public void onEvent(NetEvent event) {
        long seq = written.getAndIncrement();
        ring.set((int) (seq % ring.length()), new Slot(seq, event));
    }

    /** Turns collection on or off (the COLLECT_NET_EVENTS engine option). */
    public void collect(boolean on) { collect = on; }

    /** True while collecting. */
    public boolean collecting() { return collect; }

    /** Adds a listener called on the drain thread; it must not block for long. */
    public void addListener(Consumer<NetEvent> l) { listeners.add(l); }

    /** Removes a listener. */
    public void removeListener(Consumer<NetEvent> l) { listeners.remove(l); }

    /** Events ever received. */
    public long total() { return written.get(); }

    /** Events overwritten before the drain thread delivered them. */
    public long lost() { return lost.get(); }

    /** The retained events, oldest first (the log snapshot of FwpmNetEventEnum). */
    public List<NetEvent> recent() {
        long end = written.get();
        List<NetEvent> out = new ArrayList<>();
        for (long s = Math.max(0, end - ring.length()); s < end; s++) {
            Slot slot = ring.get((int) (s % ring.length()));
            if (slot != null && slot.seq == s) out.add(slot.event);
        }
        return out;
    }

    /** Delivers everything new; called by the drain thread (and by tests for determinism). */
    public synchronized void drainOnce() {
        long end = written.get();
        if (end - next > ring.length()) {
            lost.addAndGet(end - next - ring.length());
            next = end - ring.length();
        }
        while (next < end) {
            Slot slot = ring.get((int) (next % ring.length()));
            if (slot == null || slot.seq < next) return; // writer claimed the sequence but has not stored yet
            if (slot.seq > next) {
                lost.incrementAndGet();
            } else {
                for (Consumer<NetEvent> l : listeners) {
                    try {
                        l.accept(slot.event);
                    } catch (RuntimeException e) {
                        // A broken listener must not stop delivery to the others.
                    }
                }
            }
            next++;
        }
    }

    @Override public void close() {
        running = false;
        drain.interrupt();
    }
}
