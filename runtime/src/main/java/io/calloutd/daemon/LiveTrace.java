package io.calloutd.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calloutd.classify.ClassificationObserver;
import io.calloutd.classify.PacketMetadata;
import io.calloutd.engine.ClassifyResult;
import io.calloutd.engine.Field;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import io.calloutd.engine.ValueType;
import io.calloutd.mgmt.Json;
import io.calloutd.mgmt.PacketTracer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One {@code calloutd trace} in progress: an observer on every classifier that keeps the classifications of matching
 * packets (a bounded queue; a full queue loses lines and counts them, the packet thread never waits) and a thread
 * that turns them into JSON events for the session until the deadline. Costs one allocation per traced
 * classification, like {@code --trace-layers}: it is a debugging aid with an end.
 */
final class LiveTrace implements ClassificationObserver {
    /** One kept classification (built on the packet thread; strings are constants or the values' summary). */
    private record Line(String layer, int flags, String verdict, long filterId, String direction, long flowId,
                        int protocol, int localPort, int remotePort, String packet) { }

    private final PacketTracer.Match match;
    private final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(4096);
    private final LongAdder lost = new LongAdder();
    private final Consumer<ObjectNode> sink;
    private final BooleanSupplier cancelled;
    private final long deadlineNanos;

    LiveTrace(PacketTracer.Match match, int seconds, Consumer<ObjectNode> sink, BooleanSupplier cancelled) {
        this.match = match;
        this.sink = sink;
        this.cancelled = cancelled;
        this.deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    }

    @Override
    public void classified(Layer layer, int flags, IncomingValues in, ClassifyResult r, PacketMetadata meta) {
        if (!matches(in)) {
            return;
        }
        boolean twin = layer.isDiscard() && r.layer() != layer;
        var v = twin ? r.discardVerdict() : r.verdict();
        Line line = new Line(layer.name(), flags, String.valueOf(v), twin ? 0 : r.filterId(),
                String.valueOf(meta.packetDirection()), meta.flowId(), value(in, Field.IP_PROTOCOL),
                value(in, Field.IP_LOCAL_PORT), value(in, Field.IP_REMOTE_PORT), in.describe());
        if (!queue.offer(line)) {
            lost.increment();
        }
    }

    private boolean matches(IncomingValues in) {
        if (match.protocol() != null && value(in, Field.IP_PROTOCOL) != match.protocol()) {
            return false;
        }
        if (match.port() != null && value(in, Field.IP_LOCAL_PORT) != match.port()
                && value(in, Field.IP_REMOTE_PORT) != match.port()) {
            return false;
        }
        return match.addressLow() == null || address(in, Field.IP_LOCAL_ADDRESS) || address(in, Field.IP_REMOTE_ADDRESS);
    }

    private boolean address(IncomingValues in, Field f) {
        ValueType t = in.type(f);
        if (match.v6()) {
            return t == ValueType.BYTE_ARRAY16 && in.high(f) == match.addressHigh() && in.low(f) == match.addressLow();
        }
        return t == ValueType.UINT32 && in.low(f) == match.addressLow();
    }

    private static int value(IncomingValues in, Field f) {
        return in.type(f) == ValueType.EMPTY ? -1 : (int) in.low(f);
    }

    /** Sends lines until the deadline or cancellation, then the end event. Runs on its own thread. */
    void drain() {
        try {
            while (System.nanoTime() - deadlineNanos < 0 && !cancelled.getAsBoolean()) {
                Line l = queue.poll(100, TimeUnit.MILLISECONDS);
                if (l != null) {
                    ObjectNode n = Json.MAPPER.valueToTree(l);
                    n.put("event", "trace");
                    sink.accept(n);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!cancelled.getAsBoolean()) {
            sink.accept(Json.object().put("event", "trace-end").put("lost", lost.sum()));
        }
    }
}
