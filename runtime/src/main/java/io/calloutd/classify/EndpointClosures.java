package io.calloutd.classify;

import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ConditionFlags;
import io.calloutd.engine.Field;
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
    private final PendingOperations pending;

    EndpointClosures(FilterEngine engine, ClassifierCounters counters, int interfaceIndex,
                     FlowDeleteListener contextListener, Supplier<ClassificationObserver> observer,
                     PendingOperations pending) {
        this.engine = engine;
        this.pending = pending;
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
        indicate(flow, 0);
        PendEntry e = pending.takeAt(LayerSet.of(flow.ipVersion()).endpointClosure);
        if (e != null) {
            // Pended (check 46): the teardown - flowDelete of the flow's contexts, the runtime's flow-end - waits.
            e.closeReason = reason;
            pending.flowTable().beginClassify(flow);
            return;
        }
        contextListener.flowEnded(flow, reason);
        io.calloutd.redirect.RedirectStage.flowEnded(flow); // its original destination can no longer be queried
    }

    /**
     * Finishes the teardown a pended ENDPOINT_CLOSURE held: completed without a final classify-out (and not timed
     * out), the layer is first reauthorized with IS_REAUTHORIZE and reason CLASSIFY_COMPLETION (§5.1).
     */
    void finishPended(PendEntry e, boolean timedOut) {
        if (!timedOut && e.finalAction == null) {
            meta.reauthorizeReason = ReauthorizeReason.CLASSIFY_COMPLETION;
            indicate(e.flow, ConditionFlags.IS_REAUTHORIZE);
            meta.reauthorizeReason = 0;
        }
        pending.flowTable().endClassify(e.flow); // runs the deferred flowDeletes
        contextListener.flowEnded(e.flow, e.closeReason);
        io.calloutd.redirect.RedirectStage.flowEnded(e.flow);
    }

    private void indicate(Flow flow, int flags) {
        Layer layer = LayerSet.of(flow.ipVersion()).endpointClosure;
        ValueFiller.fillFlow(in, flow, interfaceIndex);
        in.setUint32(Field.FLAGS, flags);
        if (flags != 0) {
            in.setUint32(Field.REAUTHORIZE_REASON, ReauthorizeReason.CLASSIFY_COMPLETION);
        }
        meta.packetDirection = flow.initiatorDirection();
        meta.flowId = flow.id();
        ctx.clear();
        ctx.metadata(meta);
        ctx.flow(flow);
        ctx.classifyHandle(pending);
        engine.classify(layer, in, ctx, result);
        ClassificationObserver o = observer.get();
        if (o != null) {
            o.classified(layer, flags, in, result, meta);
        }
        if (flags != 0) {
            in.setEmpty(Field.REAUTHORIZE_REASON);
        }
    }
}
