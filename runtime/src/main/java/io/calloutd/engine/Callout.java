package io.calloutd.engine;

/**
 * A callout's classify function (the {@code classifyFn} analogue, §2.2). Invoked on the packet thread when every
 * condition of a callout filter naming it matches; must not block, sleep or do I/O.
 *
 * <p>Contract (§2.4, §3.2): {@code out} arrives holding the layer's current action, rights and flags. Write
 * {@link ClassifyOut#setActionType} only if {@link ClassifyOut#hasWriteRight()} — the sole exception is setting
 * BLOCK to veto a hard PERMIT. Clear WRITE when returning BLOCK, when returning PERMIT for a filter with
 * {@link FilterFlags#CLEAR_ACTION_RIGHT}, and before absorbing. The engine normalises the result by the filter's
 * action type (§1.5). An exception thrown here is counted and treated like an unregistered callout.
 */
@FunctionalInterface
public interface Callout {
    /**
     * Classifies one indication.
     *
     * @param in     the layer's incoming values
     * @param ctx    layer, layer data, metadata, flow context, discard reason
     * @param filter the filter whose action invoked this callout
     * @param out    in/out action, rights and flags
     */
    void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out);
}
