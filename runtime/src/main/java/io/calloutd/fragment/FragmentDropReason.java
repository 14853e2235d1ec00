package io.calloutd.fragment;

import java.util.Locale;

/**
 * Why the {@link Reassembler} dropped a fragment or discarded a whole pending datagram.
 * Each reason has its own counter in {@link ReassemblyStats}.
 *
 * <p>Reasons marked "datagram" discard every fragment held for the datagram; the others drop only the
 * fragment just offered and leave any pending reassembly untouched.
 */
public enum FragmentDropReason {
    /** Fragment: IP header truncated, inconsistent lengths or bad version. */
    MALFORMED,
    /** Fragment: a fragment carrying no payload bytes. */
    EMPTY_FRAGMENT,
    /** Fragment: a non-last fragment whose payload length is not a multiple of 8. */
    UNALIGNED,
    /** Fragment: exact duplicate (same offset and length) of a fragment already held; ignored. */
    DUPLICATE,
    /** Fragment: IPv4 first fragment too short to hold the transport header (RFC 1858). */
    TINY_FIRST_FRAGMENT,
    /** Fragment: IPv6 first fragment without the whole header chain up to the upper-layer header (RFC 7112). */
    INCOMPLETE_HEADER_CHAIN,
    /** Datagram: the reassembled datagram would exceed 65535 bytes (ping of death). */
    OVERSIZE,
    /** Datagram: two fragments overlap (RFC 5722; Linux does the same for IPv4). */
    OVERLAP,
    /** Datagram: last-fragment information conflicts (two different ends, or data beyond the end). */
    CONFLICTING_END,
    /** Datagram: more fragments than {@link ReassemblyConfig#maxFragmentsPerDatagram()}. */
    TOO_MANY_FRAGMENTS,
    /** Datagram: not complete within the timeout. */
    TIMEOUT,
    /** Datagram: evicted (oldest first) because held memory exceeded the high threshold. */
    MEMORY_LIMIT,
    /** Datagram: evicted (oldest first) because {@link ReassemblyConfig#maxDatagrams()} were pending. */
    DATAGRAM_LIMIT,
    /** Datagram: released because the reassembler was closed. */
    CLOSED;

    private final String metricName = "fragment_drop_" + name().toLowerCase(Locale.ROOT);

    /** Stable metric name, e.g. {@code fragment_drop_overlap}. */
    public String metricName() {
        return metricName;
    }

    /** Whether this reason discards a whole pending datagram rather than a single fragment. */
    public boolean discardsDatagram() {
        return ordinal() >= OVERSIZE.ordinal();
    }
}
