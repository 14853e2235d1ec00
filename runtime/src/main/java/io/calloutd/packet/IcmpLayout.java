package io.calloutd.packet;

import io.netty.buffer.ByteBuf;

/**
 * The common layout of ICMPv4 (RFC 792) and ICMPv6 (RFC 4443) headers: type, code, checksum and the 4-byte
 * "rest of header" (identifier/sequence for echo, MTU or pointer for errors). Setters do not touch the
 * checksum. The two protocols differ in checksum rules, not layout; {@link IcmpHeader} and
 * {@link Icmpv6Header} keep them apart as types.
 */
abstract class IcmpLayout {
    /** Header length the parser requires (type, code, checksum, rest of header). */
    public static final int LENGTH = 8;
    /** Offset of the checksum field. */
    public static final int CHECKSUM_FIELD = 2;

    private ByteBuf buf;
    private int off;

    /** Points this view at the header at absolute index {@code offset}. */
    final void point(ByteBuf buf, int offset) {
        this.buf = buf;
        this.off = offset;
    }

    /** Absolute index of the header. */
    public int offset() { return off; }
    /** Message type. */
    public int type() { return buf.getUnsignedByte(off); }
    /** Message code. */
    public int code() { return buf.getUnsignedByte(off + 1); }
    /** Stored checksum. */
    public int checksum() { return buf.getUnsignedShort(off + 2); }
    /** The 32-bit rest of header. */
    public int restOfHeader() { return buf.getInt(off + 4); }
    /** Echo identifier (upper half of the rest of header). */
    public int identifier() { return buf.getUnsignedShort(off + 4); }
    /** Echo sequence number (lower half of the rest of header). */
    public int sequenceNumber() { return buf.getUnsignedShort(off + 6); }

    /** Sets the type. */
    public void setType(int v) { buf.setByte(off, v); }
    /** Sets the code. */
    public void setCode(int v) { buf.setByte(off + 1, v); }
    /** Stores a checksum value. */
    public void setChecksum(int v) { buf.setShort(off + 2, v); }
    /** Sets the rest of header. */
    public void setRestOfHeader(int v) { buf.setInt(off + 4, v); }
    /** Sets the echo identifier. */
    public void setIdentifier(int v) { buf.setShort(off + 4, v); }
}
