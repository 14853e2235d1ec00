package io.calloutd.stream;

import io.calloutd.callout.CalloutRuntime;
import io.calloutd.callout.CalloutStatus;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Verdict;
import io.calloutd.flow.Flow;
import io.calloutd.flow.FlowTable;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.pipeline.Direction;
import io.calloutd.pipeline.PacketOutput;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stream layer of one packet thread (§6). A TCP connection is engaged the first time it carries data or a FIN
 * while a callout filter at STREAM_V4/V6 matches it; from then on, for the connection's life, its segments go
 * through {@link #segment} (reassembly, the per-sublayer waterfall, re-segmentation, sequence translation). Flows
 * no stream callout can see never get here, so with no stream callouts the per-segment path costs one check.
 *
 * <p>It is also the {@link StreamControl} callouts use outside classify: requests are queued (bounded) and run on
 * the packet thread, woken through {@link #packetThread(Executor)} or at the next packet.
 */
public final class StreamLayer implements StreamControl, AutoCloseable {
    private static final int MAX_PENDING = 65536;
    private final StreamEnv env;
    private final List<StreamConnection> engaged = new ArrayList<>();
    private final Map<Long, StreamConnection> byFlowId = new HashMap<>();
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final long[] generation = {-1, -1};
    private final boolean[] hasCallouts = new boolean[2];
    private Object notEngaged = new Object();
    private volatile Executor packetThread;

    /**
     * @param engine   the filter engine
     * @param config   limits
     * @param counters accounting (may be shared by packet threads)
     * @param alloc    allocator for stream buffers and rebuilt segments
     */
    public StreamLayer(FilterEngine engine, StreamConfig config, StreamCounters counters, ByteBufAllocator alloc) {
        this.env = new StreamEnv(engine, config, counters, alloc, this);
    }

    /** The flow table of this packet thread (classify bracketing, killing dropped connections). */
    public void flowTable(FlowTable flows) { env.flows = flows; }

    /**
     * The packet thread's classify handle (pending, flow contexts) stream callouts reach through their classify
     * context, as at every other layer; pending itself is refused at STREAM (§5.1, check 45).
     */
    public void classifyHandle(Object handle) { env.ctx.classifyHandle(handle); }

    /** Replaces the limits (before traffic; connections engaged earlier see the new limits too). */
    public void config(StreamConfig config) { env.config = java.util.Objects.requireNonNull(config); }

    /** Replaces the allocator for stream buffers and rebuilt segments (before traffic). */
    public void allocator(ByteBufAllocator alloc) { env.alloc = java.util.Objects.requireNonNull(alloc); }

    /** Where rebuilt segments go. */
    public void output(PacketOutput output) { env.output = output; }

    /** How other threads get {@link StreamControl} requests onto the packet thread. */
    public void packetThread(Executor executor) { this.packetThread = executor; }

    /** The accounting. */
    public StreamCounters counters() { return env.counters; }

    /** Connections engaged now. */
    public int engagedConnections() { return engaged.size(); }

    /** True if {@code flow} is engaged. */
    public boolean isEngaged(Flow flow) {
        return flow.attachment() instanceof StreamConnection;
    }

    /**
     * Engages {@code flow} if a callout filter at {@code layer} matches {@code in} (the STREAM values of the flow,
     * DIRECTION set). Cheap when no callout filter exists at the layer, and asked once per flow and policy.
     *
     * @return true if engaged now (or before)
     */
    public boolean engage(Flow flow, Layer layer, IncomingValues in) {
        if (flow.attachment() instanceof StreamConnection) return true;
        int v = layer == Layer.STREAM_V6 ? 1 : 0;
        long g = env.engine.generation(layer);
        if (g != generation[v]) {
            generation[v] = g;
            hasCallouts[v] = false;
            for (Filter f : env.engine.filters(layer)) hasCallouts[v] |= f.calloutKey() != null;
            notEngaged = new Object(); // flows judged under the old policy are judged again
        }
        if (!hasCallouts[v] || flow.attachment() == notEngaged) return false;
        List<Filter> matching = env.engine.matchingFilters(layer, in);
        boolean callout = false;
        for (Filter f : matching) callout |= f.calloutKey() != null && f.action() != FilterAction.PERMIT;
        if (!callout) {
            flow.attach(notEngaged);
            return false;
        }
        IncomingValues values = new IncomingValues();
        values.copyFrom(in);
        StreamConnection c = new StreamConnection(env, flow, flow.id(), values, bySublayer(matching));
        flow.attach(c);
        engaged.add(c);
        byFlowId.put(flow.id(), c);
        env.counters.connectionsEngaged.increment();
        return true;
    }

    private static Filter[][] bySublayer(List<Filter> ordered) {
        List<Filter[]> groups = new ArrayList<>();
        int from = 0;
        for (int i = 1; i <= ordered.size(); i++) {
            if (i == ordered.size() || !ordered.get(i).sublayer().equals(ordered.get(from).sublayer())) {
                groups.add(ordered.subList(from, i).toArray(new Filter[0]));
                from = i;
            }
        }
        return groups.toArray(new Filter[0][]);
    }

    /**
     * A segment of an engaged flow (after its packet layers were classified).
     *
     * @return PERMIT to pass the (rewritten) segment on, BLOCK if the stream absorbed or dropped it
     */
    public Verdict segment(Flow flow, ParsedPacket p, Direction d) {
        runPending();
        if (!(flow.attachment() instanceof StreamConnection c)) return Verdict.PERMIT;
        return c.segment(p, d);
    }

    /** Runs queued {@link StreamControl} requests (packet thread). */
    public void runPending() {
        Runnable r;
        while ((r = commands.poll()) != null) {
            pending.decrementAndGet();
            r.run();
        }
    }

    /** Forgets connections whose flow ended (packet thread; called from the flow expiry tick). */
    public void sweep() {
        for (int i = engaged.size() - 1; i >= 0; i--) {
            StreamConnection c = engaged.get(i);
            if (c.flow.isEnded()) {
                engaged.remove(i);
                byFlowId.remove(c.flowId);
                c.flow.attach(null);
                c.release();
            }
        }
    }

    @Override
    public CalloutStatus inject(long flowId, UUID calloutKey, int streamFlags, byte[] data, int offset, int length) {
        boolean in = (streamFlags & StreamFlags.RECEIVE) != 0, out = (streamFlags & StreamFlags.SEND) != 0;
        if (in == out || calloutKey == null || data == null || offset < 0 || length < 0 || offset + length > data.length) {
            return CalloutStatus.INVALID_PARAMETER;
        }
        byte[] copy = java.util.Arrays.copyOfRange(data, offset, offset + length);
        return submit(() -> {
            StreamConnection c = byFlowId.get(flowId);
            if (c == null || !c.inject(calloutKey, streamFlags, copy)) {
                env.counters.oobRefused.increment();
            } else {
                env.counters.oobInjections.increment();
            }
        });
    }

    @Override
    public CalloutStatus continueStream(long flowId, UUID calloutKey, int streamFlags) {
        if (CalloutRuntime.onClassifyStack() || calloutKey == null) return CalloutStatus.INVALID_PARAMETER;
        if ((streamFlags & StreamFlags.RECEIVE) == 0) return CalloutStatus.INVALID_PARAMETER; // only inbound defers
        return submit(() -> {
            StreamConnection c = byFlowId.get(flowId);
            if (c == null || !c.continueStream(calloutKey, streamFlags)) {
                env.counters.oobRefused.increment();
            } else {
                env.counters.continues.increment();
            }
        });
    }

    private CalloutStatus submit(Runnable r) {
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            env.counters.oobRefused.increment();
            return CalloutStatus.INSUFFICIENT_RESOURCES;
        }
        commands.add(r);
        Executor e = packetThread;
        if (e != null && wakeupPending.compareAndSet(false, true)) {
            try {
                e.execute(() -> {
                    wakeupPending.set(false);
                    runPending();
                });
            } catch (RuntimeException rejected) {
                wakeupPending.set(false); // shutting down: the next packet (or close) runs it
            }
        }
        return CalloutStatus.SUCCESS;
    }

    /** Releases every connection's buffers. */
    @Override
    public void close() {
        runPending();
        for (StreamConnection c : engaged) {
            c.flow.attach(null);
            c.release();
        }
        engaged.clear();
        byFlowId.clear();
    }
}
