package io.calloutd.flow;

/** Why a flow ended. Every ended flow has exactly one reason. */
public enum CloseReason {
    /** Both FINs were seen and acknowledged (the connection reached TIME_WAIT). */
    FIN,
    /** A RST was seen. */
    RST,
    /** Idle (or per-TCP-state) timeout expired. */
    TIMEOUT,
    /** Removed to make room for a new flow while the table was full. */
    EVICTED,
    /** Ended on request ({@link FlowTable#abort}), e.g. the ALE authorization blocked it (FwpsFlowAbort0). */
    ABORTED,
    /** The table was closed. */
    TABLE_CLOSED
}
