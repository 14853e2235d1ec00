package io.calloutd.callout;

import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Filter;
import io.calloutd.flow.FlowTable;

/**
 * What the packet path offers a callout during one classify beyond its arguments (WFP's {@code classifyContext} and
 * {@code completionHandle}, §2.2, §2.3): pending (§5) and the flow table of the current flow (for flow contexts,
 * see {@link CalloutRegistry#associateContext(ClassifyContext, io.calloutd.engine.Layer, int, long)}). Found with
 * {@link #of(ClassifyContext)}; valid only on the packet thread during that classify.
 *
 * <p>Pending, in short: at ALE_AUTH_CONNECT / ALE_AUTH_RECV_ACCEPT call {@link #pendOperation}; at
 * ALE_ENDPOINT_CLOSURE, ALE_CONNECT_REDIRECT and ALE_BIND_REDIRECT call {@link #pendClassify}. On success the
 * classify-out is already BLOCK + ABSORB with WRITE cleared: return. The packet path holds the packet; complete the
 * {@link Pended} later from any thread. Elsewhere, during a reauthorization, or without WRITE the answer is
 * {@link CalloutStatus#CANNOT_PEND}: then decide inline (e.g. a hard BLOCK).
 */
public interface ClassifyHandle {
    /** The handle the packet path put on {@code ctx}, or null if it offers none. */
    static ClassifyHandle of(ClassifyContext ctx) {
        return ctx.classifyHandle() instanceof ClassifyHandle h ? h : null;
    }

    /** The current packet thread's flow table (the owner of {@code ctx.flow()}). */
    FlowTable flowTable();

    /**
     * {@code FwpsPendOperation0}: pends the initial authorization at AUTH_CONNECT or AUTH_RECV_ACCEPT.
     *
     * @param ctx    the classify context of the current call
     * @param filter the filter that invoked the callout (named in the timeout net event)
     * @param out    set to BLOCK + ABSORB, WRITE cleared, on success; untouched otherwise
     */
    PendResult pendOperation(ClassifyContext ctx, Filter filter, ClassifyOut out);

    /**
     * {@code FwpsAcquireClassifyHandle0} + {@code FwpsPendClassify0}: pends the classify at ENDPOINT_CLOSURE (the
     * endpoint teardown - flowDelete of the flow's contexts - waits for the completion), CONNECT_REDIRECT or
     * BIND_REDIRECT (the packet waits). Same arguments and effect on {@code out} as {@link #pendOperation}.
     */
    PendResult pendClassify(ClassifyContext ctx, Filter filter, ClassifyOut out);
}
