package io.calloutd.callout;

import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Layer;

/**
 * A pended classification (§5.1): the completion context of {@code FwpsPendOperation0} or the pended classify handle
 * of {@code FwpsPendClassify0}. Obtained from {@link ClassifyHandle#pendOperation} or {@link ClassifyHandle#pendClassify}
 * inside classify; completed exactly once, from any thread (the completion is handed to the packet thread). A pend
 * never completed is released after the packet path's pend timeout (its packet dropped, a
 * {@link io.calloutd.engine.NetEventType#PEND_TIMEOUT} net event); completing it afterwards returns
 * {@link CalloutStatus#TIMEOUT}.
 */
public interface Pended {
    /** The layer that was pended. */
    Layer layer();

    /** The flow's id (FLOW_HANDLE metadata) of the pended classification. */
    long flowId();

    /** True for a pend-classify (ENDPOINT_CLOSURE, CONNECT_REDIRECT, BIND_REDIRECT), false for a pend-operation. */
    boolean isClassifyPend();

    /**
     * {@code FwpsCompleteOperation0(ctx, NULL)} or {@code FwpsCompleteClassify0(handle, NULL)}: a reauthorization
     * classify of the pended layer follows, flagged IS_REAUTHORIZE with reason CLASSIFY_COMPLETION; the verdict of
     * that classify decides (the callout answers with its stored verdict). At AUTH_CONNECT the held packet (the SYN,
     * the first datagram) leaves only if that verdict is PERMIT.
     *
     * @return SUCCESS, or UNSUCCESSFUL if already completed, TIMEOUT if it timed out first
     */
    CalloutStatus complete();

    /**
     * AUTH_RECV_ACCEPT only: {@code FwpsCompleteOperation0(ctx, clone)}. No reauthorization follows and the held
     * packet is discarded; the callout then receive-injects {@code clone} (classified again at RECV_ACCEPT as
     * self-injected: permitting it authorizes the connection), or frees it to refuse the connection.
     *
     * @param clone the clone the callout will inject (it stays the callout's)
     * @return SUCCESS; INVALID_PARAMETER at another layer or for a null clone; UNSUCCESSFUL / TIMEOUT as above
     */
    CalloutStatus complete(PacketClone clone);

    /**
     * Pend-classify only: {@code FwpsCompleteClassify0(handle, 0, finalOut)}. The final action (BLOCK or PERMIT; any
     * other action counts as PERMIT) is taken as the callout's decision without a reauthorization. A null
     * {@code finalOut} is the same as {@link #complete()}.
     *
     * @return SUCCESS; INVALID_PARAMETER for a pend-operation; UNSUCCESSFUL / TIMEOUT as above
     */
    CalloutStatus complete(ClassifyOut finalOut);
}
