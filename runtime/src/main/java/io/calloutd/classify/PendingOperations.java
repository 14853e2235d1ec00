package io.calloutd.classify;

import io.calloutd.callout.CalloutStatus;
import io.calloutd.callout.ClassifyHandle;
import io.calloutd.callout.PendResult;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.DecisionReason;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.Layer;
import io.calloutd.engine.NetEvent;
import io.calloutd.engine.NetEventSink;
import io.calloutd.engine.NetEventType;
import io.calloutd.flow.Flow;
import io.calloutd.flow.FlowTable;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.pipeline.Direction;
import io.calloutd.pipeline.PacketResumer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The pended classifications of one packet thread (§5): a bounded table of {@link PendEntry}s holding the pended
 * packets, the {@link ClassifyHandle} callouts pend through, the hand-off of completions from any thread to the
 * packet thread (a lock-free queue plus one wake-up task on the thread's executor) and the pend timeout.
 *
 * <p>Where pending is allowed (§5.1): pend-operation at ALE_AUTH_CONNECT and ALE_AUTH_RECV_ACCEPT, pend-classify at
 * ALE_ENDPOINT_CLOSURE, ALE_CONNECT_REDIRECT and ALE_BIND_REDIRECT; never during a reauthorization or without WRITE
 * (§5.2, §1.6.4). Pending allocates (the entry, a copy of the packet); classifications that do not pend do not.
 */
final class PendingOperations implements ClassifyHandle {
    /** Default table size per packet thread. */
    static final int DEFAULT_CAPACITY = 1024;
    /** Default time a pend may stay uncompleted. */
    static final long DEFAULT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final FilterEngine engine;
    private final ClassifierCounters counters;
    private PendEntry[] active;
    private final ConcurrentLinkedQueue<PendEntry> completions = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Runnable drainTask = () -> {
        wakeupPending.set(false); // before draining: a completion racing with the drain schedules another round
        drain();
    };
    private final Runnable expireTask = () -> expire(now());
    private int count;
    private FlowTable flows;
    private EndpointClosures closures;
    private volatile Executor packetThread;
    private PacketResumer resumer;
    private LongSupplier clock = System::nanoTime;
    private volatile long timeoutNanos = DEFAULT_TIMEOUT_NANOS;
    private ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    // The current indication (packet thread).
    private ParsedPacket packet;
    private Direction direction;
    private PendEntry pendedNow;
    private boolean draining;

    PendingOperations(FilterEngine engine, ClassifierCounters counters, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("pend table capacity must be >= 1, got " + capacity);
        }
        this.engine = engine;
        this.counters = counters;
        this.active = new PendEntry[capacity];
    }

    void wire(FlowTable table, EndpointClosures endpointClosures) {
        this.flows = table;
        this.closures = endpointClosures;
    }

    /** Resizes the table; only while nothing is pended (configuration time). */
    void capacity(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("pend table capacity must be >= 1, got " + n);
        }
        if (count > 0) {
            throw new IllegalStateException("pend table capacity cannot change while " + count + " pends are held");
        }
        active = new PendEntry[n];
    }

    void packetThread(Executor executor) { this.packetThread = executor; }

    void resumer(PacketResumer r) { this.resumer = r; }

    void clock(LongSupplier c) { this.clock = c; }

    void timeoutNanos(long nanos) {
        if (nanos <= 0) {
            throw new IllegalArgumentException("pend timeout must be positive, got " + nanos + " ns");
        }
        this.timeoutNanos = nanos;
    }

    void allocator(ByteBufAllocator a) { this.alloc = a; }

    /** Pended classifications not yet completed, timed out or resumed. */
    int size() { return count; }

    /** The packet now being walked (null outside a walk): what a pend holds. */
    void indication(ParsedPacket p, Direction d) {
        this.packet = p;
        this.direction = d;
    }

    @Override
    public FlowTable flowTable() { return flows; }

    @Override
    public PendResult pendOperation(ClassifyContext ctx, Filter filter, ClassifyOut out) {
        Layer l = ctx.layer();
        boolean allowed = l != null && (l.name().startsWith("ALE_AUTH_CONNECT") || l.name().startsWith("ALE_AUTH_RECV_ACCEPT"));
        return allowed ? pend(ctx, filter, out, false) : refuse();
    }

    @Override
    public PendResult pendClassify(ClassifyContext ctx, Filter filter, ClassifyOut out) {
        Layer l = ctx.layer();
        boolean allowed = l != null && (l.name().startsWith("ALE_ENDPOINT_CLOSURE")
                || l.name().startsWith("ALE_CONNECT_REDIRECT") || l.name().startsWith("ALE_BIND_REDIRECT"));
        return allowed ? pend(ctx, filter, out, true) : refuse();
    }

    private PendResult pend(ClassifyContext ctx, Filter filter, ClassifyOut out, boolean classifyPend) {
        boolean reauth = ctx.metadata() instanceof PacketMetadata m && m.reauthorizeReason != 0;
        boolean closure = ctx.layer().name().startsWith("ALE_ENDPOINT_CLOSURE");
        if (reauth || !out.hasWriteRight() || pendedNow != null || !(ctx.flow() instanceof Flow flow)
                || (flow.isEnded() && !closure)) { // at the closure the flow has just ended
            return refuse();
        }
        if (!closure && (packet == null || resumer == null)) {
            return new PendResult(CalloutStatus.TCPIP_NOT_READY, null);
        }
        if (count == active.length) {
            counters.pendTableFull.increment();
            return new PendResult(CalloutStatus.INSUFFICIENT_RESOURCES, null);
        }
        ByteBuf held = null;
        if (!closure) {
            held = alloc.directBuffer(packet.ipLength());
            held.writeBytes(packet.buffer(), packet.networkOffset(), packet.ipLength());
        }
        PendEntry e = new PendEntry(this, ctx.layer(), flow, classifyPend, filter == null ? 0 : filter.id(),
                direction, held, now() + timeoutNanos);
        active[count++] = e;
        pendedNow = e;
        out.block();
        out.setAbsorb();
        counters.pends.increment();
        Executor ex = packetThread;
        if (ex != null) { // the timeout must fire even if no packet comes
            CompletableFuture.delayedExecutor(timeoutNanos + 1_000_000L, TimeUnit.NANOSECONDS, ex).execute(expireTask);
        }
        return new PendResult(CalloutStatus.SUCCESS, e);
    }

    private PendResult refuse() {
        counters.pendRefused.increment();
        return new PendResult(CalloutStatus.CANNOT_PEND, null);
    }

    /**
     * After a classify that may have pended: the entry it created, if the layer's verdict let it stand (BLOCK);
     * otherwise the pend is cancelled (its packet leaves with the verdict) and null returned.
     */
    PendEntry take(boolean blocked) {
        PendEntry e = pendedNow;
        if (e == null) {
            return null;
        }
        pendedNow = null;
        if (!blocked) {
            e.state.compareAndSet(PendEntry.PENDED, PendEntry.CANCELLED);
            remove(e);
            e.releaseHeld();
            return null;
        }
        return e;
    }

    /** The entry the last classify created at {@code layer} (a pend-classify there stands whatever the verdict). */
    PendEntry takeAt(Layer layer) {
        PendEntry e = pendedNow;
        if (e == null || e.layer != layer) {
            return null;
        }
        pendedNow = null;
        return e;
    }

    /** The uncompleted pend of {@code flow}, or null (a linear scan: only flows never authorized ask). */
    PendEntry pendedFor(Flow flow) {
        for (int i = 0; i < count; i++) {
            if (active[i].flow == flow) {
                return active[i];
            }
        }
        return null;
    }

    /** Any thread: a pend was completed; hand it to the packet thread. */
    void completed(PendEntry e) {
        completions.offer(e);
        Executor ex = packetThread;
        if (ex != null && wakeupPending.compareAndSet(false, true)) {
            try {
                ex.execute(drainTask);
            } catch (RuntimeException rejected) { // loop shutting down: the next packet or close drains
                wakeupPending.set(false);
            }
        }
    }

    /** True if completions wait for the packet thread (a volatile read; cheap enough for every packet). */
    boolean hasCompletions() { return !completions.isEmpty(); }

    /**
     * Packet thread: processes the completions. At AUTH_CONNECT and the redirect layers the held packet is handed to
     * the resumer (its walk continues with the completion); a RECV_ACCEPT completed with a clone drops the held
     * packet and ends the pended flow (the clone the callout injects opens it again); ENDPOINT_CLOSURE finishes the
     * teardown.
     */
    void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            PendEntry e;
            while ((e = completions.poll()) != null) {
                if (e.removed) {
                    continue; // cancelled by its own classify
                }
                remove(e);
                counters.pendCompletions.increment();
                if (e.closeReason != null) {
                    closures.finishPended(e, false);
                } else if (e.flow.isEnded()) {
                    counters.pendFlowGone.increment();
                    e.releaseHeld();
                } else if (e.withClone) {
                    e.releaseHeld();
                    flows.abort(e.flow);
                } else {
                    ByteBuf h = e.held;
                    e.held = null;
                    resumer.resume(h, e.direction, e);
                }
            }
        } finally {
            draining = false;
        }
    }

    /** Packet thread: releases pends older than the timeout, with a PEND_TIMEOUT net event each. */
    void expire(long nowNanos) {
        for (int i = count - 1; i >= 0; i--) {
            PendEntry e = active[i];
            if (nowNanos - e.deadlineNanos < 0 || !e.state.compareAndSet(PendEntry.PENDED, PendEntry.TIMED_OUT)) {
                continue;
            }
            remove(e);
            counters.pendTimeouts.increment();
            report(e);
            if (e.closeReason != null) {
                closures.finishPended(e, true);
            } else {
                e.releaseHeld();
                if (!e.flow.isEnded()) {
                    flows.abort(e.flow); // the next packet of the connection is authorized afresh
                }
            }
        }
    }

    /** Drops every pend (table closing); their completions find them cancelled. */
    void close() {
        PendEntry done;
        while ((done = completions.poll()) != null) { // completed but not processed: nothing resumes any more
            if (!done.removed) {
                remove(done);
                cancelled(done);
            }
        }
        for (int i = count - 1; i >= 0; i--) {
            PendEntry e = active[i];
            e.state.compareAndSet(PendEntry.PENDED, PendEntry.CANCELLED);
            remove(e);
            cancelled(e);
        }
    }

    private void cancelled(PendEntry e) {
        e.releaseHeld();
        if (e.closeReason != null) {
            closures.finishPended(e, true); // the held teardown still runs: flowDelete exactly once
        }
    }

    private void remove(PendEntry e) {
        if (e.removed) {
            return;
        }
        e.removed = true;
        for (int i = 0; i < count; i++) {
            if (active[i] == e) {
                active[i] = active[--count];
                active[count] = null;
                return;
            }
        }
    }

    private long now() { return clock.getAsLong(); }

    private void report(PendEntry e) {
        NetEventSink sink = engine.config().netEvents();
        if (!sink.accepts(NetEventType.PEND_TIMEOUT)) {
            return;
        }
        try {
            sink.onEvent(new NetEvent(engine.config().clockMillis().getAsLong(), NetEventType.PEND_TIMEOUT, e.layer,
                    e.filterId, DecisionReason.CALLOUT, 0, String.valueOf(e.flow)));
        } catch (RuntimeException ignored) {
            // A broken sink must not take the packet path down.
        }
    }
}
