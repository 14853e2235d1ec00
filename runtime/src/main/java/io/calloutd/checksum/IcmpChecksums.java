package io.calloutd.checksum;

import io.netty.buffer.ByteBuf;

/** ICMPv4 checksum (RFC 792): the whole ICMP message, no pseudo-header. */
public final class IcmpChecksums {

    /** Position of the checksum field inside the ICMP header. */
    public static final int CHECKSUM_FIELD = 2;

    private IcmpChecksums() {}

    /** Computes the checksum of the ICMP message at {@code offset}, checksum field taken as zero. */
    public static int compute(ByteBuf buf, int offset, int length) {
        return ~InternetChecksum.sumSkipping(buf, offset, length, offset + CHECKSUM_FIELD, 0) & 0xFFFF;
    }

    /** True if the stored checksum is correct. */
    public static boolean verify(ByteBuf buf, int offset, int length) {
        return InternetChecksum.sum(buf, offset, length) == 0xFFFF;
    }

    /** Computes and stores the checksum. */
    public static void write(ByteBuf buf, int offset, int length) {
        buf.setShort(offset + CHECKSUM_FIELD, compute(buf, offset, length));
    }
}
