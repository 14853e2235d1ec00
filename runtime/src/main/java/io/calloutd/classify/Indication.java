package io.calloutd.classify;

import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyResult;
import io.calloutd.engine.Field;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import io.calloutd.engine.NetEvent;
import io.calloutd.engine.NetEventSink;
import io.calloutd.engine.NetEventType;
import io.calloutd.engine.Verdict;
import io.calloutd.flow.Flow;
import io.calloutd.flow.FlowTable;
import io.calloutd.pipeline.Direction;
import java.util.function.Supplier;

/**
 * The state of the packet walk one packet thread is doing - incoming values, classify context, result, metadata,
 * layer data and the flow shown to callouts - and the one way to classify a layer with it. Shared by the
 * {@link LayerClassifier} and its {@link AleAuthorizer}; allocation-free.
 */
final class Indication {
    final FilterEngine engine;
    final IncomingValues in;
    final ClassifyContext ctx;
    final ClassifyResult result;
    final PacketMetadata meta;
    final LayerDataView layerData;
    private final Supplier<ClassificationObserver> observer;
    FlowTable flows;
    /** The flow handed to callouts at the ALE, DATAGRAM_DATA and STREAM layers of the current walk, else null. */
    Flow flow;
    private volatile io.calloutd.metrics.LayerTimings timings;
    private int timingMask;
    private int classifications;

    Indication(FilterEngine engine, IncomingValues in, ClassifyContext ctx, ClassifyResult result, PacketMetadata meta,
               LayerDataView layerData, Supplier<ClassificationObserver> observer) {
        this.engine = engine;
        this.in = in;
        this.ctx = ctx;
        this.result = result;
        this.meta = meta;
        this.layerData = layerData;
        this.observer = observer;
    }

    Verdict classify(Layer layer, int flags) {
        return classify(layer, flags, layerData.at(layer));
    }

    /** Times one classification in {@code t.sampleEvery()} into {@code t} (null: no timing). */
    void timings(io.calloutd.metrics.LayerTimings t) {
        this.timingMask = t == null ? 0 : t.sampleEvery() - 1;
        this.timings = t;
    }

    /** Classifies with {@code data} as the layer data (e.g. the writable request at a redirect layer). */
    Verdict classify(Layer layer, int flags, Object data) {
        in.setUint32(Field.FLAGS, flags);
        ctx.layerData(data);
        Flow f = flow;
        ctx.flow(f);
        io.calloutd.metrics.LayerTimings t = timings;
        long start = t != null && (++classifications & timingMask) == 0 ? System.nanoTime() : 0;
        Verdict v;
        if (f == null) {
            v = engine.classify(layer, in, ctx, result);
        } else {
            // Context removals and flow-end deletes wait until the callouts of this indication returned (§2.6).
            flows.beginClassify(f);
            try {
                v = engine.classify(layer, in, ctx, result);
            } finally {
                flows.endClassify(f);
            }
        }
        if (start != 0) {
            t.record(layer, System.nanoTime() - start);
        }
        notifyObserver(layer, flags, in, meta);
        return v;
    }

    void notifyObserver(Layer layer, int flags, IncomingValues values, PacketMetadata m) {
        ClassificationObserver o = observer.get();
        if (o == null) {
            return;
        }
        o.classified(layer, flags, values, result, m);
        if (result.discardVerdict() != null) {
            o.classified(layer.discardTwin(), flags, values, result, m);
        }
    }

    /** Reports the last classification's layer, filter and reason as an event of {@code type} with {@code verdict}. */
    void report(NetEventType type, Verdict verdict) {
        report(type, result.layer(), result.filterId(), verdict);
    }

    /** Reports an event when the sink takes its type; allocates only then. */
    void report(NetEventType type, Layer layer, long filterId, Verdict verdict) {
        NetEventSink sink = engine.config().netEvents();
        if (sink.accepts(type)) {
            sink.onEvent(new NetEvent(engine.config().clockMillis().getAsLong(), type, layer, filterId,
                    result.reason(), 0, in.describe(), verdict));
        }
    }

    /** A CLASSIFY_ALLOW for a flow {@code layer} permitted; a volatile read and nothing else while allow events are off. */
    void reportAllow(Layer layer, long filterId) {
        if (engine.collectsAllowEvents()) {
            report(NetEventType.CLASSIFY_ALLOW, layer, filterId, Verdict.PERMIT);
        }
    }

    void setDirection(Direction d) {
        in.setUint32(Field.DIRECTION,
                d == Direction.OUTBOUND ? io.calloutd.engine.Direction.OUTBOUND : io.calloutd.engine.Direction.INBOUND);
    }
}
