package io.calloutd.pipeline;

import io.calloutd.callout.InjectedPacket;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The injected packets waiting for one packet thread: a bounded, lock-free multi-producer queue. Injections from
 * the packet thread itself (a callout injecting inline from classify) wait until the current packet is done, so
 * the pipeline is never re-entered; injections from other threads (deferred work, out-of-band workers) wake the
 * packet thread through its executor (the event loop's task queue) with one task per batch. Offering never blocks
 * and never allocates; a full queue is a counted refusal.
 */
final class InjectionQueue {
    private final Queue<InjectedPacket> queue;
    private final int capacity;
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Runnable drainTask;
    private volatile Executor packetThread;
    /** The thread that last processed a packet; written only by that thread (a stale read just costs a wakeup). */
    private Thread owner;

    /**
     * @param capacity injections that may wait at once
     * @param drain    drains the queue; run on the packet thread
     */
    InjectionQueue(int capacity, Runnable drain) {
        if (capacity < 2) {
            throw new IllegalArgumentException("injection queue capacity must be >= 2, got " + capacity);
        }
        this.capacity = capacity;
        this.queue = PlatformDependent.newFixedMpscQueue(capacity);
        this.drainTask = () -> {
            wakeupPending.set(false); // before draining: an offer racing with the drain schedules another round
            drain.run();
        };
    }

    /** Sets how other threads get work onto the packet thread (e.g. the event loop's {@code execute}). */
    void packetThread(Executor executor) {
        this.packetThread = executor;
    }

    /** Called by the packet thread before each packet. */
    void ownedBy(Thread t) {
        if (owner != t) {
            owner = t;
        }
    }

    /** @return false if the queue is full */
    boolean offer(InjectedPacket p) {
        if (!queue.offer(p)) {
            return false;
        }
        if (Thread.currentThread() != owner) {
            wakeUp();
        }
        return true;
    }

    /** Schedules a drain on the packet thread unless one is pending (or there is no executor: the next packet drains). */
    void wakeUp() {
        Executor e = packetThread;
        if (e != null && wakeupPending.compareAndSet(false, true)) {
            try {
                e.execute(drainTask);
            } catch (RuntimeException rejected) { // loop shutting down: the close drains what is left
                wakeupPending.set(false);
            }
        }
    }

    /** @return the next injection, or null */
    InjectedPacket poll() {
        return queue.poll();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int capacity() {
        return capacity;
    }
}
