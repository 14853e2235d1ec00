package io.calloutd.checksum;

import io.netty.buffer.ByteBuf;
import io.netty.util.IllegalReferenceCountException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The RFC 1071 one's-complement sum over a {@link ByteBuf} region.
 *
 * <p>"Sum" methods return the folded 16-bit one's-complement sum (not complemented) so that partial
 * sums (pseudo-header, header, payload) can be combined with {@link #add(int, int)}; "checksum"
 * methods return the complemented value that goes on the wire. The region is read with 8-byte
 * big-endian {@code getLong} loads, which Netty serves without bounds-check overhead per byte on
 * both heap and direct buffers; words are paired relative to {@code offset}, so odd offsets and odd
 * lengths are correct (a trailing odd byte is padded with zero on the right, as RFC 1071 requires).
 */
public final class InternetChecksum {

    /** Big-endian 8-byte view of byte arrays: lets heap buffers skip Netty's per-byte assembly. */
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private InternetChecksum() {}

    /**
     * Folded one's-complement sum of {@code length} bytes at absolute index {@code offset}.
     *
     * @return a value in {@code [0, 0xFFFF]}; 0 only if every byte is zero
     */
    public static int sum(ByteBuf buf, int offset, int length) {
        return sum(buf, offset, length, 0);
    }

    /**
     * Folded one's-complement sum of the region added to a previous partial sum {@code initial}
     * (a 16-bit value, e.g. a pseudo-header sum).
     */
    public static int sum(ByteBuf buf, int offset, int length, int initial) {
        // Each 64-bit load contributes its two 32-bit halves; 2^16 == 1 (mod 0xFFFF) makes a 32-bit
        // one's-complement accumulation fold to the same 16-bit sum. A long cannot overflow here:
        // at most 2^31/8 iterations each adding < 2^33.
        long acc = initial & 0xFFFFL;
        int i = offset;
        int end = offset + length;
        if (buf.hasArray() && length >= 16) {
            // Same bounds and liveness checks a getLong would make, once for the whole region.
            if (offset < 0 || length < 0 || end > buf.capacity()) {
                throw new IndexOutOfBoundsException("region " + offset + "+" + length + " of " + buf.capacity());
            }
            if (buf.refCnt() == 0) {
                throw new IllegalReferenceCountException(0);
            }
            byte[] a = buf.array();
            int base = buf.arrayOffset();
            while (end - i >= 8) {
                long w = (long) LONGS.get(a, base + i);
                acc += (w >>> 32) + (w & 0xFFFFFFFFL);
                i += 8;
            }
        }
        while (end - i >= 8) {
            long w = buf.getLong(i);
            acc += (w >>> 32) + (w & 0xFFFFFFFFL);
            i += 8;
        }
        if (end - i >= 4) {
            acc += buf.getUnsignedInt(i);
            i += 4;
        }
        if (end - i >= 2) {
            acc += buf.getUnsignedShort(i);
            i += 2;
        }
        if (i < end) {
            acc += (long) buf.getUnsignedByte(i) << 8;
        }
        return fold(acc);
    }

    /** Folds a (non-negative) wide accumulator to a 16-bit one's-complement sum. */
    public static int fold(long acc) {
        acc = (acc >>> 32) + (acc & 0xFFFFFFFFL);
        acc = (acc >>> 16) + (acc & 0xFFFFL);
        acc = (acc >>> 16) + (acc & 0xFFFFL);
        acc = (acc >>> 16) + (acc & 0xFFFFL);
        return (int) acc;
    }

    /** One's-complement addition of two 16-bit sums. */
    public static int add(int a, int b) {
        return fold((a & 0xFFFFL) + (b & 0xFFFFL));
    }

    /** One's-complement sum of the four 16-bit halves of a 32-bit value (e.g. an IPv4 address). */
    public static int sumOf32(int value) {
        return fold((value >>> 16) + (value & 0xFFFFL));
    }

    /** One's-complement sum of a 128-bit value given as two longs (e.g. an IPv6 address). */
    public static int sumOf128(long high, long low) {
        return fold((high >>> 32) + (high & 0xFFFFFFFFL) + (low >>> 32) + (low & 0xFFFFFFFFL));
    }

    /** The wire checksum of a region: the complement of its one's-complement sum. */
    public static int checksum(ByteBuf buf, int offset, int length) {
        return ~sum(buf, offset, length) & 0xFFFF;
    }

    /**
     * Sum of a region whose 16-bit checksum field, at {@code checksumOffset} (absolute, inside the
     * region and at an even distance from {@code offset}), is taken as zero.
     */
    static int sumSkipping(ByteBuf buf, int offset, int length, int checksumOffset, int initial) {
        int s = sum(buf, offset, checksumOffset - offset, initial);
        return sum(buf, checksumOffset + 2, offset + length - checksumOffset - 2, s);
    }
}
