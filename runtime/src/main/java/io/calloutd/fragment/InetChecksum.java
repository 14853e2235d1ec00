package io.calloutd.fragment;

import io.netty.buffer.ByteBuf;

/** RFC 1071 one's-complement sum, enough for the headers this package builds. */
final class InetChecksum {
    private InetChecksum() {
    }

    /** Adds {@code length} bytes at absolute {@code index} to a running 32-bit sum (not yet folded). */
    static long add(long sum, ByteBuf buf, int index, int length) {
        int i = index;
        int end = index + length;
        while (end - i >= 4) {
            sum += buf.getUnsignedInt(i);
            i += 4;
        }
        if (end - i >= 2) {
            sum += buf.getUnsignedShort(i);
            i += 2;
        }
        if (i < end) {
            sum += (buf.getUnsignedByte(i) << 8);
        }
        return sum;
    }

    /** Folds a running sum and complements it into the 16-bit checksum field value. */
    static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** Recomputes the IPv4 header checksum of the header at {@code ipStart}. */
    static void fixIpv4Header(ByteBuf buf, int ipStart) {
        int ihl = (buf.getUnsignedByte(ipStart) & 0x0f) * 4;
        buf.setShort(ipStart + 10, 0);
        buf.setShort(ipStart + 10, finish(add(0, buf, ipStart, ihl)));
    }
}
