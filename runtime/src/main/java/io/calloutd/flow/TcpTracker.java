package io.calloutd.flow;

import io.calloutd.packet.TcpHeader;

/**
 * TCP state transitions for one segment of a known flow, in the spirit of conntrack but without window
 * tracking: the handshake is checked by ISN + 1 acknowledgments, FINs by the acknowledgment of the FIN's sequence
 * number, and a RST ends the flow in any state (RST sequence numbers are not validated).
 */
final class TcpTracker {
    /** The responder's SYN-ACK moved the flow to SYN_RECEIVED. */
    static final int SYN_ACKED = 1;
    /** The handshake completed (ESTABLISHED). */
    static final int HANDSHAKE_DONE = 2;
    /** Both FINs are acknowledged (TIME_WAIT). */
    static final int FIN_DONE = 4;
    /** RST seen. */
    static final int RESET = 8;

    private TcpTracker() {}

    /** Starts a flow at the initiator's SYN. */
    static void begin(Flow f, int seq) {
        f.state = FlowState.TCP_SYN_SENT;
        f.initiatorIsn = seq;
    }

    /**
     * Applies one segment to a live flow.
     *
     * @return transition bits (SYN_ACKED, HANDSHAKE_DONE, FIN_DONE, RESET)
     */
    static int update(Flow f, boolean fromInitiator, int flags, int seq, int ack, int payloadLength) {
        if ((flags & TcpHeader.RST) != 0) {
            f.state = FlowState.TCP_CLOSE;
            return RESET;
        }
        boolean syn = (flags & TcpHeader.SYN) != 0;
        boolean hasAck = (flags & TcpHeader.ACK) != 0;
        int out = 0;
        switch (f.state) {
            case TCP_SYN_SENT:
                if (fromInitiator && syn && !hasAck) {
                    f.initiatorIsn = seq; // retransmitted or changed SYN
                } else if (!fromInitiator && syn && hasAck && ack == f.initiatorIsn + 1) {
                    f.responderIsn = seq;
                    f.state = FlowState.TCP_SYN_RECEIVED;
                    out |= SYN_ACKED;
                }
                return out;
            case TCP_SYN_RECEIVED:
                if (!fromInitiator && syn && hasAck && ack == f.initiatorIsn + 1) {
                    f.responderIsn = seq; // retransmitted SYN-ACK
                    return out;
                }
                if (!(fromInitiator && !syn && hasAck && ack == f.responderIsn + 1)) {
                    return out;
                }
                f.state = FlowState.TCP_ESTABLISHED;
                out |= HANDSHAKE_DONE;
                break; // the final ACK may carry data or a FIN
            default:
                break;
        }
        int side = fromInitiator ? 0 : 1;
        int other = 1 - side;
        if ((flags & TcpHeader.FIN) != 0 && (f.finSeen & (1 << side)) == 0) {
            f.finSeen |= 1 << side;
            f.finAckExpected[side] = seq + payloadLength + 1; // the FIN occupies one sequence number
        }
        if (hasAck && (f.finSeen & (1 << other)) != 0 && ack - f.finAckExpected[other] >= 0) {
            f.finAcked |= 1 << other;
        }
        FlowState next = finState(f);
        f.state = next;
        if (next == FlowState.TCP_TIME_WAIT) {
            out |= FIN_DONE;
        }
        return out;
    }

    private static FlowState finState(Flow f) {
        if (f.finSeen == 0) {
            return FlowState.TCP_ESTABLISHED;
        }
        if (f.finSeen == 3) {
            return f.finAcked == 3 ? FlowState.TCP_TIME_WAIT : FlowState.TCP_LAST_ACK;
        }
        return f.finAcked == f.finSeen ? FlowState.TCP_CLOSE_WAIT : FlowState.TCP_FIN_WAIT;
    }
}
