package io.calloutd.fragment;

import io.calloutd.checksum.Ipv4Checksums;
import io.calloutd.checksum.IcmpChecksums;
import io.calloutd.checksum.TransportChecksums;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.Inet4Address;
import java.net.Inet6Address;

/**
 * Builds the ICMP errors for packets too big to forward (M-5): ICMPv4 destination unreachable /
 * fragmentation needed (type 3 code 4, RFC 1191 next-hop MTU) and ICMPv6 packet too big (type 2,
 * RFC 4443). Each is a complete IP packet from the given router address to the offending packet's source,
 * with every checksum computed. Returns {@code null} where RFC 1122 / RFC 4443 forbid an error (offending
 * packet malformed, a non-first fragment, from an unspecified/multicast/broadcast source, or itself an ICMP
 * error).
 */
public final class IcmpErrorBuilder {
    private static final int TTL = 64;
    private static final int IPV6_MIN_MTU = 1280;
    private final ByteBufAllocator alloc;

    /** @param alloc allocator for the error packets */
    public IcmpErrorBuilder(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /**
     * ICMPv4 type 3 code 4 quoting the offending IP header plus 8 data bytes.
     *
     * @param offending  the IPv4 packet that could not be forwarded (readable bytes start at its header)
     * @param router     source address of the error
     * @param nextHopMtu MTU to report
     * @return the new packet (caller owns it), or null when no error may be sent
     */
    public ByteBuf fragmentationNeeded(ByteBuf offending, Inet4Address router, int nextHopMtu) {
        int start = offending.readerIndex();
        int readable = offending.readableBytes();
        if (readable < 20 || (offending.getUnsignedByte(start) >>> 4) != 4) {
            return null;
        }
        int ihl = (offending.getUnsignedByte(start) & 0x0f) * 4;
        int length = Math.min(offending.getUnsignedShort(start + 2), readable);
        if (ihl < 20 || length < ihl || (offending.getUnsignedShort(start + 6) & 0x1fff) != 0) {
            return null;
        }
        long source = offending.getUnsignedInt(start + 12);
        int firstOctet = (int) (source >>> 24);
        if (source == 0 || source == 0xffffffffL || firstOctet >= 224 || firstOctet == 127) {
            return null;
        }
        if (offending.getUnsignedByte(start + 9) == FragmentParser.PROTO_ICMP && length >= ihl + 1
                && isIcmpV4Error(offending.getUnsignedByte(start + ihl))) {
            return null;
        }
        int quote = Math.min(length, ihl + 8);
        int total = 20 + 8 + quote;
        ByteBuf out = alloc.directBuffer(total, total);
        out.writeByte(0x45).writeByte(0xc0).writeShort(total).writeShort(0).writeShort(0)
                .writeByte(TTL).writeByte(FragmentParser.PROTO_ICMP).writeShort(0)
                .writeBytes(router.getAddress()).writeInt((int) source);
        out.writeByte(3).writeByte(4).writeShort(0).writeShort(0).writeShort(nextHopMtu);
        out.writeBytes(offending, start, quote);
        Ipv4Checksums.write(out, 0);
        IcmpChecksums.write(out, 20, 8 + quote);
        return out;
    }

    /**
     * ICMPv6 type 2 quoting as much of the offending packet as fits in 1280 bytes.
     *
     * @param offending the IPv6 packet that could not be forwarded
     * @param router    source address of the error
     * @param mtu       MTU to report
     * @return the new packet (caller owns it), or null when no error may be sent
     */
    public ByteBuf packetTooBig(ByteBuf offending, Inet6Address router, int mtu) {
        int start = offending.readerIndex();
        int readable = offending.readableBytes();
        if (readable < 40 || (offending.getUnsignedByte(start) >>> 4) != 6) {
            return null;
        }
        long srcHi = offending.getLong(start + 8);
        long srcLo = offending.getLong(start + 16);
        if ((srcHi == 0 && srcLo == 0) || (srcHi >>> 56) == 0xff) {
            return null; // unspecified or multicast source
        }
        if (isIcmpV6Error(offending, start, readable)) {
            return null;
        }
        int length = Math.min(readable, 40 + offending.getUnsignedShort(start + 4));
        int quote = Math.min(length, IPV6_MIN_MTU - 48);
        int icmpLength = 8 + quote;
        int total = 40 + icmpLength;
        ByteBuf out = alloc.directBuffer(total, total);
        out.writeInt(0x60000000).writeShort(icmpLength).writeByte(FragmentParser.PROTO_ICMPV6).writeByte(TTL)
                .writeBytes(router.getAddress()).writeLong(srcHi).writeLong(srcLo);
        out.writeByte(2).writeByte(0).writeShort(0).writeInt(mtu);
        out.writeBytes(offending, start, quote);
        TransportChecksums.writeV6(out, 0, FragmentParser.PROTO_ICMPV6, 40, icmpLength);
        return out;
    }

    private static boolean isIcmpV4Error(int type) {
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    /** Whether the packet is an ICMPv6 error message (type &lt; 128), looking past extension headers. */
    private static boolean isIcmpV6Error(ByteBuf buf, int start, int readable) {
        int end = start + readable;
        int nh = buf.getUnsignedByte(start + 6);
        int pos = start + 40;
        while (nh == FragmentParser.NH_HOP_BY_HOP || nh == FragmentParser.NH_ROUTING
                || nh == FragmentParser.NH_DEST_OPTS) {
            if (pos + 2 > end) {
                return false;
            }
            nh = buf.getUnsignedByte(pos);
            pos += (buf.getUnsignedByte(pos + 1) + 1) * 8;
        }
        return nh == FragmentParser.PROTO_ICMPV6 && pos < end && buf.getUnsignedByte(pos) < 128;
    }
}
