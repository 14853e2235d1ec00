package io.calloutd.callouts.stmedit;

import io.calloutd.engine.ActionType;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.stream.StreamAction;
import io.calloutd.stream.StreamCalloutIo;
import io.calloutd.stream.StreamControl;
import io.calloutd.stream.StreamFlags;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Out-of-band editing (§6.4, the sample's set 1): every indication is copied and blocked whole; one worker thread
 * (so each stream's chunks stay in order) edits them, keeping a trailing partial match to join with the next chunk,
 * and injects the result with {@link StreamControl#inject}. The FIN is absorbed too and re-injected after the last
 * edited bytes. An inbound stream with more than {@code busyThreshold} bytes waiting is deferred and continued once
 * the backlog is down to a quarter of it.
 */
final class OobEditor implements AutoCloseable {
    /** One direction of one flow. */
    private static final class Stream {
        final byte[][] carry = {new byte[0]};
        final AtomicLong pending = new AtomicLong();
        volatile boolean deferred;
    }

    private final Patterns patterns;
    private final int busyThreshold;
    private final Map<Long, Stream> streams = new ConcurrentHashMap<>();
    private volatile ExecutorService worker;
    final LongAdder chunks = new LongAdder();
    final LongAdder defers = new LongAdder();
    final LongAdder failures = new LongAdder();

    OobEditor(Patterns patterns, int busyThreshold) {
        this.patterns = patterns;
        this.busyThreshold = busyThreshold;
    }

    void classify(StreamCalloutIo io, UUID key, ClassifyOut out) {
        int n = io.dataLength();
        boolean noMore = (out.flags() & ClassifyOut.FLAG_NO_MORE_DATA) != 0;
        long flowId = io.flowId();
        int dir = io.streamFlags() & (StreamFlags.RECEIVE | StreamFlags.SEND);
        long id = flowId * 2 + (io.isInbound() ? 1 : 0);
        Stream s = streams.computeIfAbsent(id, k -> new Stream());
        StreamControl control = io.control();
        if (n == 0) { // FIN: absorbed, re-injected after the edited bytes
            out.block();
            int disconnect = io.isInbound() ? StreamFlags.RECEIVE_DISCONNECT : StreamFlags.SEND_DISCONNECT;
            submit(() -> {
                byte[] rest = patterns.edit(s.carry, new byte[0], true);
                control.inject(flowId, key, dir | disconnect, rest, 0, rest.length);
                streams.remove(id);
            }, out);
            return;
        }
        if (n < patterns.longest && !noMore && (out.flags() & ClassifyOut.FLAG_BUFFER_LIMIT_REACHED) == 0) {
            io.setStreamAction(StreamAction.NEED_MORE_DATA);
            io.setCountBytesRequired(patterns.longest);
            out.setActionType(ActionType.NONE);
            return;
        }
        long waiting = s.pending.get();
        // Defer only while the worker still has a backlog: an idle worker takes any indication, however large
        // (a resumed stream may hold more than the threshold; deferring it again would never end).
        if (io.isInbound() && !noMore && waiting > 0 && waiting + n > busyThreshold) {
            defers.increment();
            s.deferred = true;
            io.setStreamAction(StreamAction.DEFER);
            submit(() -> resumeIfDrained(s, control, flowId, key), out); // in case the backlog is already gone
            return;
        }
        byte[] copy = new byte[n];
        io.copyTo(0, copy, 0, n);
        s.pending.addAndGet(n);
        chunks.increment();
        out.block(); // countBytesEnforced 0: the whole indication
        submit(() -> {
            byte[] edited = patterns.edit(s.carry, copy, false);
            if (edited.length > 0) control.inject(flowId, key, dir, edited, 0, edited.length);
            s.pending.addAndGet(-n);
            resumeIfDrained(s, control, flowId, key);
        }, out);
    }

    private void resumeIfDrained(Stream s, StreamControl control, long flowId, UUID key) {
        if (s.deferred && s.pending.get() <= busyThreshold / 4) {
            s.deferred = false;
            control.continueStream(flowId, key, StreamFlags.RECEIVE);
        }
    }

    private void submit(Runnable task, ClassifyOut out) {
        ExecutorService w = worker;
        if (w == null) {
            synchronized (this) {
                if (worker == null) {
                    worker = Executors.newSingleThreadExecutor(r -> {
                        Thread t = new Thread(r, "stmedit-oob");
                        t.setDaemon(true);
                        return t;
                    });
                }
                w = worker;
            }
        }
        try {
            w.execute(task);
        } catch (RejectedExecutionException e) { // closing: the data is lost with the callout, as in the sample
            failures.increment();
        }
    }

    int flows() {
        return streams.size();
    }

    @Override
    public synchronized void close() {
        if (worker != null) worker.shutdown();
        streams.clear();
    }
}
