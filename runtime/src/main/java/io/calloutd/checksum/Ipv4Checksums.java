package io.calloutd.checksum;

import io.netty.buffer.ByteBuf;

/** IPv4 header checksum (RFC 791): covers the header only, including options. */
public final class Ipv4Checksums {

    /** Position of the checksum field inside the IPv4 header. */
    public static final int CHECKSUM_FIELD = 10;

    private Ipv4Checksums() {}

    /** Header length in bytes from the IHL nibble (no validation: callers validate first). */
    private static int headerLength(ByteBuf buf, int offset) {
        return (buf.getUnsignedByte(offset) & 0x0F) * 4;
    }

    /** Computes the header checksum, treating the current checksum field as zero. */
    public static int compute(ByteBuf buf, int offset) {
        int len = headerLength(buf, offset);
        return ~InternetChecksum.sumSkipping(buf, offset, len, offset + CHECKSUM_FIELD, 0) & 0xFFFF;
    }

    /** True if the stored header checksum is correct (the sum over the whole header is 0xFFFF). */
    public static boolean verify(ByteBuf buf, int offset) {
        return InternetChecksum.sum(buf, offset, headerLength(buf, offset)) == 0xFFFF;
    }

    /** Computes and stores the header checksum. */
    public static void write(ByteBuf buf, int offset) {
        buf.setShort(offset + CHECKSUM_FIELD, compute(buf, offset));
    }
}
