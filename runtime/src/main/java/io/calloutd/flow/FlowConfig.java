package io.calloutd.flow;

import java.time.Duration;

/**
 * Flow table settings. Timeouts are idle timeouts, restarted by every packet of the flow (TIME_WAIT and CLOSE
 * are not restarted: those flows have already ended). Defaults follow Linux conntrack for TCP and WFP §1.8 for
 * UDP, ICMP and other protocols (60 s each).
 *
 * @param maxFlows              maximum number of flows (ended, lingering flows included)
 * @param tcpSynSent            timeout after the initiator's SYN
 * @param tcpSynReceived        timeout after the responder's SYN-ACK
 * @param tcpEstablished        idle timeout of an established connection
 * @param tcpFinWait            timeout while a FIN is unacknowledged
 * @param tcpCloseWait          timeout while half-closed
 * @param tcpLastAck            timeout after the second FIN until it is acknowledged
 * @param tcpTimeWait           how long an ended (FIN) flow lingers to absorb stray segments
 * @param tcpClose              how long an ended (RST) flow lingers
 * @param udpIdle               UDP idle timeout (WFP default 60 s, check 51)
 * @param icmpIdle              ICMP/ICMPv6 idle timeout (WFP §1.8: 60 s)
 * @param otherIdle             idle timeout of any other protocol's pseudo-flow
 * @param pickUpMidStream       if true, a TCP segment without SYN for an unknown tuple creates an established
 *                              flow (events NEW_FLOW, ESTABLISHED, MID_STREAM); if false it is only reported
 * @param expireScanBudget      index slots {@link FlowTable#expire(long)} examines per call
 * @param fullTableScanBudget   index slots examined for expired flows when the table is full
 */
public record FlowConfig(int maxFlows, Duration tcpSynSent, Duration tcpSynReceived, Duration tcpEstablished,
                         Duration tcpFinWait, Duration tcpCloseWait, Duration tcpLastAck, Duration tcpTimeWait,
                         Duration tcpClose, Duration udpIdle, Duration icmpIdle, Duration otherIdle,
                         boolean pickUpMidStream, int expireScanBudget, int fullTableScanBudget) {

    /** Default maximum number of flows. */
    public static final int DEFAULT_MAX_FLOWS = 262_144;

    /** The defaults: 262 144 flows; conntrack TCP timeouts (SYN_SENT 120 s, SYN_RECV 60 s, ESTABLISHED 5 days,
     *  FIN_WAIT 120 s, CLOSE_WAIT 60 s, LAST_ACK 30 s, TIME_WAIT 120 s, CLOSE 10 s); UDP/ICMP/other 60 s. */
    public static final FlowConfig DEFAULTS = new FlowConfig(DEFAULT_MAX_FLOWS, Duration.ofSeconds(120),
            Duration.ofSeconds(60), Duration.ofDays(5), Duration.ofSeconds(120), Duration.ofSeconds(60),
            Duration.ofSeconds(30), Duration.ofSeconds(120), Duration.ofSeconds(10), Duration.ofSeconds(60),
            Duration.ofSeconds(60), Duration.ofSeconds(60), false, 1024, 256);

    /** Validates the settings. */
    public FlowConfig {
        if (maxFlows < 1 || maxFlows > (1 << 29)) {
            throw new IllegalArgumentException("maxFlows out of range: " + maxFlows);
        }
        if (expireScanBudget < 1 || fullTableScanBudget < 0) {
            throw new IllegalArgumentException("scan budgets must be positive");
        }
        for (Duration d : new Duration[] {tcpSynSent, tcpSynReceived, tcpEstablished, tcpFinWait, tcpCloseWait,
                tcpLastAck, tcpTimeWait, tcpClose, udpIdle, icmpIdle, otherIdle}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
        }
    }

    /** A copy with another maximum number of flows. */
    public FlowConfig withMaxFlows(int n) {
        return new FlowConfig(n, tcpSynSent, tcpSynReceived, tcpEstablished, tcpFinWait, tcpCloseWait, tcpLastAck,
                tcpTimeWait, tcpClose, udpIdle, icmpIdle, otherIdle, pickUpMidStream, expireScanBudget,
                fullTableScanBudget);
    }

    /** A copy with another UDP idle timeout. */
    public FlowConfig withUdpIdle(Duration d) {
        return new FlowConfig(maxFlows, tcpSynSent, tcpSynReceived, tcpEstablished, tcpFinWait, tcpCloseWait,
                tcpLastAck, tcpTimeWait, tcpClose, d, icmpIdle, otherIdle, pickUpMidStream, expireScanBudget,
                fullTableScanBudget);
    }

    /** A copy with mid-stream pickup switched on or off. */
    public FlowConfig withPickUpMidStream(boolean pickUp) {
        return new FlowConfig(maxFlows, tcpSynSent, tcpSynReceived, tcpEstablished, tcpFinWait, tcpCloseWait,
                tcpLastAck, tcpTimeWait, tcpClose, udpIdle, icmpIdle, otherIdle, pickUp, expireScanBudget,
                fullTableScanBudget);
    }

    /** Timeout of a state in nanoseconds. */
    long timeoutNanos(FlowState s, int protocol) {
        Duration d = switch (s) {
            case TCP_SYN_SENT -> tcpSynSent;
            case TCP_SYN_RECEIVED -> tcpSynReceived;
            case TCP_ESTABLISHED -> tcpEstablished;
            case TCP_FIN_WAIT -> tcpFinWait;
            case TCP_CLOSE_WAIT -> tcpCloseWait;
            case TCP_LAST_ACK -> tcpLastAck;
            case TCP_TIME_WAIT -> tcpTimeWait;
            case TCP_CLOSE -> tcpClose;
            case UNREPLIED, REPLIED -> protocol == 17 ? udpIdle : (protocol == 1 || protocol == 58) ? icmpIdle
                    : otherIdle;
        };
        return d.toNanos();
    }
}
