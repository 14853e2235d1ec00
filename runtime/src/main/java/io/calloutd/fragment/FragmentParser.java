package io.calloutd.fragment;

import io.netty.buffer.ByteBuf;

/**
 * Parses the fields the reassembler needs from an IPv4 or IPv6 packet and applies the per-fragment
 * rules (alignment, tiny first fragment, RFC 7112 header chain). Stateless.
 */
final class FragmentParser {
    static final int PROTO_ICMP = 1;
    static final int PROTO_TCP = 6;
    static final int PROTO_UDP = 17;
    static final int PROTO_ICMPV6 = 58;
    static final int NH_HOP_BY_HOP = 0;
    static final int NH_ROUTING = 43;
    static final int NH_FRAGMENT = 44;
    static final int NH_ESP = 50;
    static final int NH_AH = 51;
    static final int NH_NONE = 59;
    static final int NH_DEST_OPTS = 60;

    private FragmentParser() {
    }

    /** Marker results besides drop reasons. */
    enum Status { FRAGMENT, NOT_A_FRAGMENT, ATOMIC, DROP }

    /**
     * Parses {@code buf}'s readable bytes into {@code out}. Returns the status; for {@link Status#DROP}
     * the reason is stored in {@code reasonOut[0]}.
     */
    static Status parse(ByteBuf buf, ParsedFragment out, FragmentDropReason[] reasonOut) {
        int start = buf.readerIndex();
        int readable = buf.readableBytes();
        if (readable < 1) {
            return drop(reasonOut, FragmentDropReason.MALFORMED);
        }
        int version = buf.getUnsignedByte(start) >>> 4;
        if (version == 4) {
            return parseV4(buf, start, readable, out, reasonOut);
        }
        if (version == 6) {
            return parseV6(buf, start, readable, out, reasonOut);
        }
        return drop(reasonOut, FragmentDropReason.MALFORMED);
    }

    private static Status parseV4(ByteBuf buf, int start, int readable, ParsedFragment out,
                                  FragmentDropReason[] reasonOut) {
        if (readable < 20) {
            return drop(reasonOut, FragmentDropReason.MALFORMED);
        }
        int ihl = (buf.getUnsignedByte(start) & 0x0f) * 4;
        int totalLength = buf.getUnsignedShort(start + 2);
        if (ihl < 20 || totalLength < ihl || totalLength > readable) {
            return drop(reasonOut, FragmentDropReason.MALFORMED);
        }
        int flagsOffset = buf.getUnsignedShort(start + 6);
        boolean more = (flagsOffset & 0x2000) != 0;
        int offset = (flagsOffset & 0x1fff) << 3;
        if (!more && offset == 0) {
            return Status.NOT_A_FRAGMENT;
        }
        int payloadLength = totalLength - ihl;
        int protocol = buf.getUnsignedByte(start + 9);
        out.family = 4;
        out.srcHi = 0;
        out.dstHi = 0;
        out.srcLo = buf.getUnsignedInt(start + 12);
        out.dstLo = buf.getUnsignedInt(start + 16);
        out.id = buf.getUnsignedShort(start + 4);
        out.protocol = protocol;
        out.ipStart = start;
        out.packetLength = totalLength;
        out.offset = offset;
        out.payloadIndex = start + ihl;
        out.payloadLength = payloadLength;
        out.more = more;
        out.headerLength = ihl;
        out.prevNextHeaderOffset = -1;
        out.fragmentNextHeader = -1;
        FragmentDropReason common = commonChecks(out);
        if (common != null) {
            return drop(reasonOut, common);
        }
        if (offset == 0 && payloadLength < minimumTransportHeader(protocol)) {
            return drop(reasonOut, FragmentDropReason.TINY_FIRST_FRAGMENT);
        }
        return Status.FRAGMENT;
    }

    private static Status parseV6(ByteBuf buf, int start, int readable, ParsedFragment out,
                                  FragmentDropReason[] reasonOut) {
        if (readable < 40) {
            return drop(reasonOut, FragmentDropReason.MALFORMED);
        }
        int payloadLength = buf.getUnsignedShort(start + 4);
        if (payloadLength == 0) {
            return Status.NOT_A_FRAGMENT; // jumbogram or empty: never fragmented
        }
        int packetLength = 40 + payloadLength;
        if (packetLength > readable) {
            return drop(reasonOut, FragmentDropReason.MALFORMED);
        }
        int end = start + packetLength;
        int nhOffset = 6;
        int nh = buf.getUnsignedByte(start + 6);
        int pos = start + 40;
        // Only hop-by-hop, routing and destination options may precede the fragment header (RFC 8200 4.1).
        while (nh == NH_HOP_BY_HOP || nh == NH_ROUTING || nh == NH_DEST_OPTS) {
            if (pos + 8 > end) {
                return drop(reasonOut, FragmentDropReason.MALFORMED);
            }
            int len = (buf.getUnsignedByte(pos + 1) + 1) * 8;
            nhOffset = pos - start;
            nh = buf.getUnsignedByte(pos);
            pos += len;
        }
        if (nh != NH_FRAGMENT) {
            return Status.NOT_A_FRAGMENT;
        }
        if (pos + 8 > end) {
            return drop(reasonOut, FragmentDropReason.MALFORMED);
        }
        int offsetField = buf.getUnsignedShort(pos + 2);
        out.family = 6;
        out.srcHi = buf.getLong(start + 8);
        out.srcLo = buf.getLong(start + 16);
        out.dstHi = buf.getLong(start + 24);
        out.dstLo = buf.getLong(start + 32);
        out.id = buf.getInt(pos + 4);
        out.protocol = -1;
        out.ipStart = start;
        out.packetLength = packetLength;
        out.offset = offsetField & 0xfff8;
        out.more = (offsetField & 1) != 0;
        out.payloadIndex = pos + 8;
        out.payloadLength = end - (pos + 8);
        out.headerLength = pos - start;
        out.prevNextHeaderOffset = nhOffset;
        out.fragmentNextHeader = buf.getUnsignedByte(pos);
        if (out.offset == 0 && !out.more) {
            return Status.ATOMIC;
        }
        FragmentDropReason common = commonChecks(out);
        if (common != null) {
            return drop(reasonOut, common);
        }
        if (out.offset == 0 && !headerChainComplete(buf, out.fragmentNextHeader, out.payloadIndex, end)) {
            return drop(reasonOut, FragmentDropReason.INCOMPLETE_HEADER_CHAIN);
        }
        return Status.FRAGMENT;
    }

    private static FragmentDropReason commonChecks(ParsedFragment f) {
        if (f.payloadLength == 0) {
            return FragmentDropReason.EMPTY_FRAGMENT;
        }
        if (f.more && (f.payloadLength & 7) != 0) {
            return FragmentDropReason.UNALIGNED;
        }
        if (f.end() > 65535) {
            return FragmentDropReason.OVERSIZE;
        }
        return null;
    }

    /** RFC 7112: the first fragment holds every extension header and the upper-layer header. */
    private static boolean headerChainComplete(ByteBuf buf, int nh, int pos, int end) {
        while (true) {
            switch (nh) {
                case NH_NONE, NH_ESP:
                    return true; // nothing further to inspect (ESP payload is opaque)
                case NH_HOP_BY_HOP, NH_ROUTING, NH_DEST_OPTS, 135, 139, 140: {
                    if (pos + 8 > end) {
                        return false;
                    }
                    int len = (buf.getUnsignedByte(pos + 1) + 1) * 8;
                    nh = buf.getUnsignedByte(pos);
                    pos += len;
                    break;
                }
                case NH_AH: {
                    if (pos + 8 > end) {
                        return false;
                    }
                    int len = (buf.getUnsignedByte(pos + 1) + 2) * 4;
                    nh = buf.getUnsignedByte(pos);
                    pos += len;
                    break;
                }
                case NH_FRAGMENT:
                    return false; // a second fragment header inside a fragment: refuse
                default:
                    return pos + minimumTransportHeader(nh) <= end;
            }
        }
    }

    /** Bytes of transport header a first fragment must carry so filters see ports and flags. */
    static int minimumTransportHeader(int protocol) {
        return switch (protocol) {
            case PROTO_TCP -> 20;
            case PROTO_UDP, PROTO_ICMP, PROTO_ICMPV6 -> 8;
            default -> 0;
        };
    }

    private static Status drop(FragmentDropReason[] reasonOut, FragmentDropReason reason) {
        reasonOut[0] = reason;
        return Status.DROP;
    }
}
