package io.calloutd.callout;

/** Status codes of the callout runtime, named after the NTSTATUS values WFP returns for the same situation. */
public enum CalloutStatus {
    /** Done. */
    SUCCESS,
    /** Accepted; the result arrives later (flow-context removal during a classify). */
    PENDING,
    /** A callout with that key is already registered (§2.1). */
    ALREADY_EXISTS,
    /** Unregister while flow contexts are still associated (§2.1). */
    DEVICE_BUSY,
    /** Unknown callout id or key (§2.1). */
    NOT_FOUND,
    /** A required argument is missing or invalid (context 0, no flowDelete function, bad data offset...). */
    INVALID_PARAMETER,
    /** A flow context already exists for this (flow, layer, callout) (§2.6). */
    OBJECT_NAME_EXISTS,
    /** Nothing to do: e.g. no context associated. */
    UNSUCCESSFUL,
    /** A limit was reached (flow-context slots, deferred-work queue). */
    INSUFFICIENT_RESOURCES,
    /** A required function was null (injection without completion, §4.4). */
    NULL_POINTER,
    /** The injection handle is being destroyed (§4.4). */
    INJECT_HANDLE_CLOSING,
    /** The handle was not created for this injection type or address family (§4.1). */
    INJECT_HANDLE_STALE,
    /** The data path is not ready to take injected packets. */
    TCPIP_NOT_READY,
    /** The data path refused the packet (no route, queue full, ...); also transport receive injection of a packet
     *  flagged ALE_CLASSIFY_REQUIRED (§4.2, check 47). */
    REFUSED,
    /** This classification cannot be pended: a reauthorization, a layer without that pend mechanism, or WRITE
     *  absent (§5.1, §5.2, §1.6.4; STATUS_FWP_CANNOT_PEND). */
    CANNOT_PEND,
    /** The pended operation timed out before it was completed (port extension, §5.2 "hold time must be bounded"). */
    TIMEOUT
}
