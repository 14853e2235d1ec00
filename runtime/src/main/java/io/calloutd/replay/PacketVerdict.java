package io.calloutd.replay;

/**
 * What the policy did with one captured packet.
 *
 * @param index      1-based position in the capture
 * @param timeNanos  capture timestamp, nanoseconds since the epoch
 * @param direction  OUTBOUND, INBOUND, or null when no direction could be given
 * @param ipVersion  4 or 6; 0 if not an IP packet
 * @param protocol   IP protocol number (-1 if unknown)
 * @param source     source address (text; null if not IP)
 * @param sourcePort source port (ICMP: -1)
 * @param destination destination address
 * @param destinationPort destination port (ICMP: -1)
 * @param verdict    the outcome (see {@link Outcome})
 * @param reason     a malformed packet's drop reason, else null
 * @param layer      the layer that decided: the blocking layer, else the last layer where a filter matched; null
 *                   when the default verdict applied everywhere
 * @param filterId   the deciding filter, 0 if none
 * @param filterName its name, null if none
 */
public record PacketVerdict(long index, long timeNanos, String direction, int ipVersion, int protocol, String source,
                            int sourcePort, String destination, int destinationPort, Outcome verdict, String reason,
                            String layer, long filterId, String filterName) {
    /** The outcome of one captured packet. */
    public enum Outcome {
        /** Passed every layer and would be reinjected. */
        PERMIT,
        /** Blocked at a layer. */
        BLOCK,
        /** Failed validation (see the reason). */
        MALFORMED,
        /** A fragment held until its datagram is complete (the datagram's verdict goes on the last fragment). */
        HELD,
        /** A fragment dropped by the reassembler (limits, overlap, timeout). */
        FRAGMENT_DROPPED,
        /** Permitted, but too big for the egress and not fragmentable. */
        TOO_BIG,
        /** Not an IPv4/IPv6 packet (ARP, LLDP ...). */
        SKIPPED_NOT_IP,
        /** Neither address is inside: the direction is unknown. */
        SKIPPED_NO_DIRECTION
    }
}
