package io.calloutd.capture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The few pcapng blocks a capture file needs (draft-ietf-opsawg-pcapng): a section header, one raw-IP interface
 * with nanosecond timestamps, and enhanced packet blocks carrying an optional comment (Wireshark shows it as
 * {@code frame.comment}). Written little-endian; readers detect the order from the byte-order magic.
 */
final class Pcapng {
    /** LINKTYPE_RAW: each packet starts with its IPv4 or IPv6 header. */
    static final int LINKTYPE_RAW = 101;
    private static final int SHB = 0x0A0D0D0A;
    private static final int IDB = 0x00000001;
    private static final int EPB = 0x00000006;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final short OPT_END = 0;
    private static final short OPT_COMMENT = 1;
    private static final short IF_TSRESOL = 9;

    private Pcapng() { }

    /** @return the section header and interface description that begin every file */
    static byte[] header(int snapLen) {
        ByteBuffer b = ByteBuffer.allocate(28 + 32).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(SHB).putInt(28).putInt(BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0).putLong(-1L).putInt(28);
        // IDB: link type, reserved, snap length; option if_tsresol = 9 (10^-9 s), padded; end of options.
        b.putInt(IDB).putInt(32).putShort((short) LINKTYPE_RAW).putShort((short) 0).putInt(snapLen)
                .putShort(IF_TSRESOL).putShort((short) 1).put((byte) 9).put(new byte[3])
                .putShort(OPT_END).putShort((short) 0).putInt(32);
        return b.array();
    }

    /** @return the size of an enhanced packet block for this many packet bytes and comment bytes */
    static int packetBlockSize(int captured, int commentBytes) {
        int options = commentBytes == 0 ? 0 : 4 + pad(commentBytes) + 4;
        return 32 + pad(captured) + options;
    }

    /**
     * Writes an enhanced packet block into {@code b} (little-endian, with room for
     * {@link #packetBlockSize} bytes).
     */
    static void packetBlock(ByteBuffer b, long timeNanos, byte[] data, int captured, int originalLength, byte[] comment) {
        int commentBytes = comment == null ? 0 : comment.length;
        int total = packetBlockSize(captured, commentBytes);
        b.putInt(EPB).putInt(total).putInt(0).putInt((int) (timeNanos >>> 32)).putInt((int) timeNanos)
                .putInt(captured).putInt(originalLength).put(data, 0, captured);
        zeros(b, pad(captured) - captured);
        if (commentBytes > 0) {
            b.putShort(OPT_COMMENT).putShort((short) commentBytes).put(comment);
            zeros(b, pad(commentBytes) - commentBytes);
            b.putShort(OPT_END).putShort((short) 0);
        }
        b.putInt(total);
    }

    /** UTF-8 bytes of a comment, cut to what an option can hold. */
    static byte[] comment(String text) {
        byte[] c = text.getBytes(StandardCharsets.UTF_8);
        return c.length > 0xFFF0 ? java.util.Arrays.copyOf(c, 0xFFF0) : c;
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }

    private static void zeros(ByteBuffer b, int n) {
        for (int i = 0; i < n; i++) {
            b.put((byte) 0);
        }
    }
}
