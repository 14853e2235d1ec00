package io.calloutd.classify;

import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyResult;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import io.calloutd.flow.CloseReason;
import io.calloutd.flow.Flow;
import io.calloutd.flow.FlowDeleteListener;
import java.util.function.Supplier;

/**
 * Turns flow ends into ALE_ENDPOINT_CLOSURE indications (once per flow) and passes callout context deletes on
 * to the callout runtime. It has its own values, context and result: a flow may end in the middle of another
 * packet's walk through the layers.
 */
final class EndpointClosures implements FlowDeleteListener {
    private final FilterEngine engine;
    private final ClassifierCounters counters;
    private final int interfaceIndex;
    private final FlowDeleteListener contextListener;
    private final Supplier<ClassificationObserver> observer;
    private final IncomingValues in = new IncomingValues();
    private final ClassifyContext ctx = new ClassifyContext();
    private final ClassifyResult result = new ClassifyResult();
    private final PacketMetadata meta = new PacketMetadata();

    EndpointClosures(FilterEngine engine, ClassifierCounters counters, int interfaceIndex,
                     FlowDeleteListener contextListener, Supplier<ClassificationObserver> observer) {
        this.engine = engine;
        this.counters = counters;
        this.interfaceIndex = interfaceIndex;
        this.contextListener = contextListener;
        this.observer = observer;
    }

    @Override
    public void flowDelete(Flow flow, int layerId, int calloutId, long context) {
        contextListener.flowDelete(flow, layerId, calloutId, context);
    }

    @Override
    public void flowEnded(Flow flow, CloseReason reason) {
        counters.endpointClosures.increment();
        Layer layer = LayerSet.of(flow.ipVersion()).endpointClosure;
        ValueFiller.fillFlow(in, flow, interfaceIndex);
        meta.packetDirection = flow.initiatorDirection();
        meta.flowId = flow.id();
        ctx.clear();
        ctx.metadata(meta);
        ctx.flow(flow);
        engine.classify(layer, in, ctx, result);
        ClassificationObserver o = observer.get();
        if (o != null) {
            o.classified(layer, 0, in, result, meta);
        }
        contextListener.flowEnded(flow, reason);
        io.calloutd.redirect.RedirectStage.flowEnded(flow); // its original destination can no longer be queried
    }
}
