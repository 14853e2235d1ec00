package io.calloutd.flow;

/**
 * Receives flow ends and the flowDelete notifications of associated callout contexts (WFP §2.6). Called on the
 * table's thread. Exceptions thrown are caught and counted ({@link FlowCounters#listenerFailures()}).
 */
public interface FlowDeleteListener {
    /**
     * The flowDeleteFn analogue: runs exactly once per associated context, when the flow ends for any reason
     * or when the context is removed. The association is already gone when this runs.
     *
     * @param flow      the flow (already ended unless the context was removed explicitly)
     * @param layerId   layer the context was associated for
     * @param calloutId callout the context belongs to
     * @param context   the non-zero context value
     */
    void flowDelete(Flow flow, int layerId, int calloutId, long context);

    /**
     * Runs exactly once per flow when it ends (before the flowDelete calls of its contexts); the hook for
     * ALE_ENDPOINT_CLOSURE. Default: nothing.
     *
     * @param flow   the flow that ended
     * @param reason why it ended
     */
    default void flowEnded(Flow flow, CloseReason reason) {}

    /** A listener that does nothing. */
    FlowDeleteListener NONE = (flow, layerId, calloutId, context) -> { };
}
