package io.calloutd.flow;

/**
 * Callout context bookkeeping of §2.6 over the slots stored in each {@link Flow}: association rules, removal
 * (synchronous, or pending while a classify of the flow runs) and exactly-once flowDelete delivery.
 */
final class FlowContexts {
    private final FlowDeleteListener listener;
    private final FlowCounters counters;

    FlowContexts(FlowDeleteListener listener, FlowCounters counters) {
        this.listener = listener;
        this.counters = counters;
    }

    ContextStatus associate(Flow f, int layerId, int calloutId, long context) {
        if (context == 0 || f.isEnded()) {
            return ContextStatus.INVALID_PARAMETER;
        }
        long k = Flow.key(layerId, calloutId);
        if (f.contextKeys != null && f.indexOf(k) >= 0) {
            return ContextStatus.OBJECT_NAME_EXISTS;
        }
        if (f.contextCount == Flow.MAX_CONTEXTS) {
            return ContextStatus.INSUFFICIENT_RESOURCES;
        }
        if (f.contextKeys == null) {
            f.contextKeys = new long[2];
            f.contextValues = new long[2];
        } else if (f.contextCount == f.contextKeys.length) {
            int n = Math.min(Flow.MAX_CONTEXTS, f.contextCount * 2);
            f.contextKeys = java.util.Arrays.copyOf(f.contextKeys, n);
            f.contextValues = java.util.Arrays.copyOf(f.contextValues, n);
        }
        f.contextKeys[f.contextCount] = k;
        f.contextValues[f.contextCount] = context;
        f.contextCount++;
        return ContextStatus.SUCCESS;
    }

    ContextStatus remove(Flow f, int layerId, int calloutId) {
        int i = f.contextKeys == null ? -1 : f.indexOf(Flow.key(layerId, calloutId));
        if (i < 0 || (f.pendingRemoval & (1 << i)) != 0) {
            return ContextStatus.UNSUCCESSFUL;
        }
        if (f.classifyDepth > 0) {
            f.pendingRemoval |= 1 << i;
            return ContextStatus.PENDING;
        }
        deleteSlot(f, i);
        return ContextStatus.SUCCESS;
    }

    void endClassify(Flow f) {
        if (f.classifyDepth == 0 || --f.classifyDepth > 0) {
            return;
        }
        if (f.deletesDeferred) {
            f.deletesDeferred = false;
            deleteAll(f);
            return;
        }
        while (f.pendingRemoval != 0) {
            deleteSlot(f, Integer.numberOfTrailingZeros(f.pendingRemoval));
        }
    }

    /** The flow ended: delete every context now, or when the running classify ends. */
    void flowEnded(Flow f) {
        if (f.classifyDepth > 0) {
            f.deletesDeferred = true;
        } else {
            deleteAll(f);
        }
    }

    private void deleteAll(Flow f) {
        while (f.contextCount > 0) {
            deleteSlot(f, f.contextCount - 1);
        }
        f.pendingRemoval = 0;
    }

    private void deleteSlot(Flow f, int i) {
        long k = f.contextKeys[i];
        long v = f.contextValues[i];
        f.removeSlot(i); // the association is gone before the callout hears about it
        counters.contextsDeleted++;
        try {
            listener.flowDelete(f, (int) (k >>> 32), (int) k, v);
        } catch (RuntimeException e) {
            counters.listenerFailures++;
        }
    }
}
