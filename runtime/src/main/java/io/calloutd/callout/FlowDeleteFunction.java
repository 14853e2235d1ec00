package io.calloutd.callout;

/**
 * The {@code flowDeleteFn} analogue (§2.6): runs exactly once per associated flow context, when the flow ends or the
 * context is removed; the association is already gone, the callout only frees its state. Must not block.
 */
@FunctionalInterface
public interface FlowDeleteFunction {
    /**
     * @param layerId   layer id the context was associated for ({@link CalloutRegistry#layerId})
     * @param calloutId the callout's run-time id
     * @param context   the non-zero context value
     */
    void flowDelete(int layerId, int calloutId, long context);
}
