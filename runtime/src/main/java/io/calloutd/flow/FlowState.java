package io.calloutd.flow;

/**
 * State of a flow. TCP flows use the TCP_* states (modelled on Linux conntrack); UDP, ICMP and other
 * protocols use {@link #UNREPLIED} / {@link #REPLIED}. A flow is "established" for eviction purposes
 * (not preferentially evicted) once it is TCP_ESTABLISHED or later, or REPLIED.
 */
public enum FlowState {
    /** Initiator's SYN seen. */
    TCP_SYN_SENT,
    /** Responder's SYN-ACK seen. */
    TCP_SYN_RECEIVED,
    /** Handshake completed by the initiator's ACK (or picked up mid-stream). */
    TCP_ESTABLISHED,
    /** One side sent FIN, not yet acknowledged. */
    TCP_FIN_WAIT,
    /** One side's FIN acknowledged; the other side still open. */
    TCP_CLOSE_WAIT,
    /** Both FINs seen, not both acknowledged. */
    TCP_LAST_ACK,
    /** Both FINs seen and acknowledged: the flow has ended (CLOSED, reason FIN) and lingers for stray segments. */
    TCP_TIME_WAIT,
    /** RST seen: the flow has ended (CLOSED, reason RST) and lingers briefly. */
    TCP_CLOSE,
    /** Non-TCP: only the initiator has sent. */
    UNREPLIED,
    /** Non-TCP: both sides have sent. */
    REPLIED;

    /** True for TCP states. */
    public boolean isTcp() { return ordinal() <= TCP_CLOSE.ordinal(); }
}
