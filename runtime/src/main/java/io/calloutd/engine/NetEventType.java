package io.calloutd.engine;

/** Net event types produced by the engine (§8.7). */
public enum NetEventType {
    /** A BLOCK verdict without ABSORB ({@code FWPM_NET_EVENT_TYPE_CLASSIFY_DROP}). */
    CLASSIFY_DROP,
    /** A callout vetoed a hard permit (audit 5153 + notification); emitted even when absorbed. */
    VETO,
    /** A BLOCK at ALE_FLOW_ESTABLISHED that was not flagged as a security error: ignored and reported (check 58). */
    POLICY_WARNING,
    /** A security-error BLOCK at ALE_FLOW_ESTABLISHED killed the connection (check 58). */
    CONNECTION_KILLED,
    /** A callout threw; its filter's failure verdict was applied (M-37). Emitted by the callout runtime. */
    CALLOUT_FAILURE,
    /** A callout's classify exceeded its time budget (M-10). Emitted by the callout runtime. */
    CALLOUT_OVERRUN,
    /** A pended classification was not completed in time; its packet was dropped (§5.2). Emitted by the classifier. */
    PEND_TIMEOUT,
    /**
     * An ALE authorization (AUTH_CONNECT / AUTH_RECV_ACCEPT) permitted a new flow ({@code
     * FWPM_NET_EVENT_TYPE_CLASSIFY_ALLOW}); once per flow. Off by default: only while
     * {@link FilterEngine#collectAllowEvents(boolean)} is on (the CLASSIFY_ALLOW keyword).
     */
    CLASSIFY_ALLOW,
    /** An authorized flow was reauthorized after a policy change (IS_REAUTHORIZE, reason POLICY_CHANGE); with verdict. */
    REAUTHORIZE
}
