package io.calloutd.flow;

/**
 * What {@link FlowTable#track} found for one packet: the outcome, the flow (if any), event bits for the ALE
 * layer driver, and whether the packet came from the flow's initiator. Mutable and reused: one per thread.
 *
 * <p>ALE mapping (WFP §1.7/§1.8): {@link #NEW_FLOW} → classify ALE_AUTH_CONNECT if the packet is OUTBOUND,
 * ALE_AUTH_RECV_ACCEPT if INBOUND, then stamp the generation ({@link FlowTable#markAuthorized}) or, if blocked,
 * {@link FlowTable#abort}. {@link #ESTABLISHED} → classify ALE_FLOW_ESTABLISHED (after the authorization of the
 * same packet, if any). {@link #CLOSED} → ALE_ENDPOINT_CLOSURE (also signalled by
 * {@link FlowDeleteListener#flowEnded} for every end, so drive closure from one of the two only).
 */
public final class FlowEvent {
    /** First packet of a new flow. */
    public static final int NEW_FLOW = 1;
    /**
     * The flow became established with this packet. TCP (checks 48/49): on the SYN-ACK for an OUTBOUND-initiated
     * connection (the protected host's connect completes), on the final ACK for an INBOUND-initiated one (the
     * protected host's accept completes). UDP/ICMP/other: together with NEW_FLOW on the first packet, as WFP
     * classifies FLOW_ESTABLISHED right after a permitted authorization (§1.7, check 50).
     */
    public static final int ESTABLISHED = 2;
    /** The flow ended with this packet (FIN completion or RST); its contexts were deleted. */
    public static final int CLOSED = 4;
    /** First packet from the responder (non-TCP: state REPLIED; TCP: the SYN-ACK). */
    public static final int FIRST_REPLY = 8;
    /** An ICMP error quoting a packet of this flow (flow state and counters untouched). */
    public static final int RELATED = 16;
    /** A TCP segment without SYN for an unknown tuple, picked up because mid-stream pickup is on. */
    public static final int MID_STREAM = 32;
    /** A new SYN replaced an ended (TIME_WAIT/CLOSE) flow with the same tuple. */
    public static final int REPLACED = 64;

    /** Overall outcome. */
    public enum Result {
        /** The packet belongs to {@link #flow()} (possibly new, possibly ended and lingering). */
        TRACKED,
        /** An ICMP error for an existing flow ({@link #flow()}). */
        RELATED,
        /** An ICMP error whose quoted packet matches no flow. */
        RELATED_UNKNOWN,
        /** TCP without SYN (or with RST) for an unknown tuple, not picked up; no flow. */
        MID_STREAM,
        /** A new flow was refused: table full and nothing evictable. */
        REFUSED,
        /** Cannot be keyed (fragment without transport header, unparsed ICMP error); no flow. */
        UNTRACKABLE
    }

    Flow flow;
    int events;
    Result result;
    boolean fromInitiator;

    void reset() {
        flow = null;
        events = 0;
        result = null;
        fromInitiator = false;
    }

    /** The flow, or null for MID_STREAM, REFUSED, UNTRACKABLE, RELATED_UNKNOWN. */
    public Flow flow() { return flow; }
    /** Event bits (NEW_FLOW, ESTABLISHED, ...). */
    public int events() { return events; }
    /** True if all bits of {@code mask} are set. */
    public boolean has(int mask) { return (events & mask) == mask; }
    /** The outcome. */
    public Result result() { return result; }
    /** True if the packet was sent by the flow's initiator. */
    public boolean fromInitiator() { return fromInitiator; }

    @Override
    public String toString() { return "FlowEvent[" + result + " events=" + events + " " + flow + "]"; }
}
