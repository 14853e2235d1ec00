package io.calloutd.checksum;

import io.netty.buffer.ByteBuf;

/**
 * Incremental checksum update, RFC 1624 equation 3: {@code HC' = ~(~HC + ~m + m')}.
 *
 * <p>The update carries the old checksum's error forward: a wrong checksum stays wrong by the same
 * amount, so a corrupted packet is never "repaired" by a rewrite. The {@code adjust*} helpers fix a
 * checksum field in place for a change the caller makes elsewhere (e.g. both the IPv4 header and the
 * TCP checksum for an address rewrite); the {@code replace*} helpers also write the new field value.
 * The {@code Udp} variants keep a UDP "no checksum" zero untouched and store a computed 0 as 0xFFFF.
 */
public final class IncrementalChecksum {

    private IncrementalChecksum() {}

    /** New checksum after a 16-bit word changed from {@code oldWord} to {@code newWord}. */
    public static int update16(int checksum, int oldWord, int newWord) {
        long s = (~checksum & 0xFFFFL) + (~oldWord & 0xFFFFL) + (newWord & 0xFFFFL);
        return ~InternetChecksum.fold(s) & 0xFFFF;
    }

    /** New checksum after a 32-bit field (e.g. an IPv4 address) changed. */
    public static int update32(int checksum, int oldValue, int newValue) {
        long s = (~checksum & 0xFFFFL)
                + (~oldValue >>> 16) + (~oldValue & 0xFFFFL)
                + (newValue >>> 16) + (newValue & 0xFFFFL);
        return ~InternetChecksum.fold(s) & 0xFFFF;
    }

    /** New checksum after a 128-bit field (e.g. an IPv6 address, as two longs) changed. */
    public static int update128(int checksum, long oldHigh, long oldLow, long newHigh, long newLow) {
        // ~sum(old) is the one's-complement negation of the old field's contribution.
        long s = (~checksum & 0xFFFFL)
                + (~InternetChecksum.sumOf128(oldHigh, oldLow) & 0xFFFFL)
                + InternetChecksum.sumOf128(newHigh, newLow);
        return ~InternetChecksum.fold(s) & 0xFFFF;
    }

    /** Fixes the checksum at absolute index {@code checksumOffset} for a 16-bit change. */
    public static void adjust16(ByteBuf buf, int checksumOffset, int oldWord, int newWord) {
        buf.setShort(checksumOffset, update16(buf.getUnsignedShort(checksumOffset), oldWord, newWord));
    }

    /** Fixes the checksum at {@code checksumOffset} for a 32-bit change. */
    public static void adjust32(ByteBuf buf, int checksumOffset, int oldValue, int newValue) {
        buf.setShort(checksumOffset, update32(buf.getUnsignedShort(checksumOffset), oldValue, newValue));
    }

    /** Fixes the checksum at {@code checksumOffset} for a 128-bit change. */
    public static void adjust128(ByteBuf buf, int checksumOffset, long oldHigh, long oldLow, long newHigh, long newLow) {
        buf.setShort(checksumOffset,
                update128(buf.getUnsignedShort(checksumOffset), oldHigh, oldLow, newHigh, newLow));
    }

    /** UDP variant of {@link #adjust16}: a zero ("none") checksum stays zero; 0 is stored as 0xFFFF. */
    public static void adjustUdp16(ByteBuf buf, int checksumOffset, int oldWord, int newWord) {
        int c = buf.getUnsignedShort(checksumOffset);
        if (c != 0) {
            buf.setShort(checksumOffset, udp(update16(c, oldWord, newWord)));
        }
    }

    /** UDP variant of {@link #adjust32}. */
    public static void adjustUdp32(ByteBuf buf, int checksumOffset, int oldValue, int newValue) {
        int c = buf.getUnsignedShort(checksumOffset);
        if (c != 0) {
            buf.setShort(checksumOffset, udp(update32(c, oldValue, newValue)));
        }
    }

    /** UDP variant of {@link #adjust128}. */
    public static void adjustUdp128(ByteBuf buf, int checksumOffset, long oldHigh, long oldLow, long newHigh, long newLow) {
        int c = buf.getUnsignedShort(checksumOffset);
        if (c != 0) {
            buf.setShort(checksumOffset, udp(update128(c, oldHigh, oldLow, newHigh, newLow)));
        }
    }

    /** Writes a 16-bit field at {@code fieldOffset} and fixes the checksum at {@code checksumOffset}. */
    public static void replace16(ByteBuf buf, int fieldOffset, int newWord, int checksumOffset) {
        int old = buf.getUnsignedShort(fieldOffset);
        buf.setShort(fieldOffset, newWord);
        adjust16(buf, checksumOffset, old, newWord);
    }

    /** Writes a 32-bit field and fixes the checksum at {@code checksumOffset}. */
    public static void replace32(ByteBuf buf, int fieldOffset, int newValue, int checksumOffset) {
        int old = buf.getInt(fieldOffset);
        buf.setInt(fieldOffset, newValue);
        adjust32(buf, checksumOffset, old, newValue);
    }

    /** Writes a 128-bit field (two big-endian longs) and fixes the checksum at {@code checksumOffset}. */
    public static void replace128(ByteBuf buf, int fieldOffset, long newHigh, long newLow, int checksumOffset) {
        long oldHigh = buf.getLong(fieldOffset);
        long oldLow = buf.getLong(fieldOffset + 8);
        buf.setLong(fieldOffset, newHigh);
        buf.setLong(fieldOffset + 8, newLow);
        adjust128(buf, checksumOffset, oldHigh, oldLow, newHigh, newLow);
    }

    private static int udp(int c) {
        return c == 0 ? 0xFFFF : c;
    }
}
