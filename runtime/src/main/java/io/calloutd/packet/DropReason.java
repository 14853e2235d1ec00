package io.calloutd.packet;

import java.util.Locale;

/**
 * One named reason per way a packet can be dropped. Each has a {@link DropCategory} and a stable
 * lower_snake {@link #metricName()} derived from the constant name, so renaming a constant is a
 * metrics-breaking change. Add new reasons anywhere (counters index by ordinal at runtime only).
 */
public enum DropReason {
    /** Zero readable bytes. */
    EMPTY(DropCategory.MALFORMED),
    /** Version nibble is neither 4 nor 6. */
    BAD_IP_VERSION(DropCategory.MALFORMED),

    /** Fewer than 20 bytes, or fewer than IHL*4 bytes, are present. */
    IPV4_TRUNCATED_HEADER(DropCategory.MALFORMED),
    /** IHL below 5. */
    IPV4_BAD_IHL(DropCategory.MALFORMED),
    /** Total length smaller than the header length. */
    IPV4_TOTAL_LENGTH_TOO_SHORT(DropCategory.MALFORMED),
    /** Total length larger than the bytes present. */
    IPV4_TOTAL_LENGTH_EXCEEDS_BUFFER(DropCategory.MALFORMED),
    /** Header checksum does not verify (only when the parser checks it). */
    IPV4_BAD_HEADER_CHECKSUM(DropCategory.MALFORMED),

    /** Fewer than 40 bytes are present. */
    IPV6_TRUNCATED_HEADER(DropCategory.MALFORMED),
    /** 40 + payload length is larger than the bytes present. */
    IPV6_PAYLOAD_LENGTH_EXCEEDS_BUFFER(DropCategory.MALFORMED),
    /** Payload length 0 with a Hop-by-Hop header: a jumbogram (RFC 2675), not supported. */
    IPV6_JUMBOGRAM_UNSUPPORTED(DropCategory.POLICY),
    /** Extension chain is structurally invalid (e.g. Hop-by-Hop not first). */
    IPV6_BAD_EXTENSION_CHAIN(DropCategory.MALFORMED),
    /** An extension header does not fit inside the payload. */
    IPV6_EXTENSION_TRUNCATED(DropCategory.MALFORMED),
    /** More extension headers than {@link Ipv6ExtensionChain#MAX_HEADERS}. */
    IPV6_TOO_MANY_EXTENSIONS(DropCategory.MALFORMED),
    /** Extension headers longer than {@link Ipv6ExtensionChain#MAX_CHAIN_BYTES}. */
    IPV6_EXTENSION_CHAIN_TOO_LONG(DropCategory.MALFORMED),

    /** Fewer than 20 TCP header bytes. */
    TCP_TRUNCATED(DropCategory.MALFORMED),
    /** Data offset below 5 or beyond the segment. */
    TCP_BAD_DATA_OFFSET(DropCategory.MALFORMED),
    /** TCP checksum does not verify (for callers that verify). */
    TCP_BAD_CHECKSUM(DropCategory.MALFORMED),
    /** Fewer than 8 UDP header bytes. */
    UDP_TRUNCATED(DropCategory.MALFORMED),
    /** UDP length below 8 or beyond the IP payload. */
    UDP_BAD_LENGTH(DropCategory.MALFORMED),
    /** UDP checksum does not verify (for callers that verify). */
    UDP_BAD_CHECKSUM(DropCategory.MALFORMED),
    /** Fewer than 8 ICMPv4 header bytes. */
    ICMP_TRUNCATED(DropCategory.MALFORMED),
    /** ICMPv4 checksum does not verify (for callers that verify). */
    ICMP_BAD_CHECKSUM(DropCategory.MALFORMED),
    /** Fewer than 8 ICMPv6 header bytes. */
    ICMPV6_TRUNCATED(DropCategory.MALFORMED),
    /** ICMPv6 checksum does not verify (for callers that verify). */
    ICMPV6_BAD_CHECKSUM(DropCategory.MALFORMED);

    private final DropCategory category;
    private final String metricName;

    DropReason(DropCategory category) {
        this.category = category;
        this.metricName = name().toLowerCase(Locale.ROOT);
    }

    /** The broad category of this reason. */
    public DropCategory category() { return category; }

    /** Stable lower_snake name for metrics, e.g. {@code ipv4_bad_ihl}. */
    public String metricName() { return metricName; }
}
