package io.calloutd.gso;

import java.util.Locale;

/**
 * Why a frame read from a vnet-header TUN (or a segmentation request) was refused. Each constant has
 * a stable lower_snake {@link #metricName()} (prefixed {@code gso_} so it cannot collide with
 * {@code io.calloutd.packet.DropReason} names when both feed one counter family).
 */
public enum GsoDropReason {
    /** Fewer than {@link VnetHeader#SIZE} bytes: not even a complete virtio_net_hdr. */
    VNET_HEADER_TRUNCATED,
    /** gso_type (ECN bit masked off) is none of NONE, TCPV4, UDP, TCPV6, UDP_L4. */
    UNKNOWN_GSO_TYPE,
    /** A known gso_type we do not segment (legacy UFO, {@code GSO_UDP}: that is IP fragmentation). */
    UNSUPPORTED_GSO_TYPE,
    /** A GSO gso_type with gso_size 0: segmenting would never terminate. */
    GSO_SIZE_ZERO,
    /** NEEDS_CSUM with csum_start at or beyond the end of the packet. */
    CSUM_START_OUT_OF_PACKET,
    /** NEEDS_CSUM with the 2-byte checksum field (csum_start + csum_offset) not inside the packet. */
    CSUM_OFFSET_OUT_OF_PACKET,
    /** NEEDS_CSUM with an odd csum_offset: the field would straddle 16-bit words of the sum. */
    CSUM_OFFSET_MISALIGNED,
    /** hdr_len larger than the packet. */
    HDR_LEN_EXCEEDS_PACKET,
    /** The packet after the header is not a valid IP packet (the parser's reason says why). */
    MALFORMED_PACKET,
    /** gso_type does not match the packet (e.g. TCPV4 on IPv6, or on a UDP packet). */
    GSO_TYPE_MISMATCH,
    /** The packet cannot be segmented: a fragment, or no complete transport header. */
    GSO_NOT_SEGMENTABLE,
    /** payload / gso_size exceeds the segmenter's segment limit (a tiny gso_size is a DoS). */
    TOO_MANY_SEGMENTS;

    private final String metricName = "gso_" + name().toLowerCase(Locale.ROOT);

    /** Stable lower_snake metric name, e.g. {@code gso_unknown_gso_type}. */
    public String metricName() {
        return metricName;
    }
}
