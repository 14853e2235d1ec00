package io.calloutd.fragment;

/**
 * Fields of one offered fragment, filled by {@link FragmentParser}. One instance is reused per
 * reassembler (single-threaded), so parsing allocates nothing. Indices are absolute buffer indices.
 */
final class ParsedFragment {
    int family;          // 4 or 6
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;
    int id;
    int protocol;        // v4 protocol; -1 for v6 (not part of the v6 key)
    int ipStart;         // index of the IP header
    int packetLength;    // whole IP packet length of the fragment
    int offset;          // fragment offset in bytes
    int payloadIndex;    // index of the fragment's data
    int payloadLength;
    boolean more;
    /** v4: header length; v6: length of the unfragmentable part (IPv6 header + headers before the fragment header). */
    int headerLength;
    /** v6: offset (from ipStart) of the next-header byte that names the fragment header. */
    int prevNextHeaderOffset;
    /** v6: next-header value carried in the fragment header. */
    int fragmentNextHeader;

    int end() {
        return offset + payloadLength;
    }
}
