package io.calloutd.packet;

import io.netty.buffer.ByteBuf;

/** Flyweight view of a UDP header (RFC 768). Setters do not touch the checksum. */
public final class UdpHeader {
    /** Header length in bytes. */
    public static final int LENGTH = 8;
    /** Offset of the checksum field. */
    public static final int CHECKSUM_FIELD = 6;

    private ByteBuf buf;
    private int off;

    /** Points this view at a UDP header at absolute index {@code offset}; returns this. */
    public UdpHeader wrap(ByteBuf buf, int offset) {
        this.buf = buf;
        this.off = offset;
        return this;
    }

    /** Absolute index of the header. */
    public int offset() { return off; }
    /** Source port. */
    public int sourcePort() { return buf.getUnsignedShort(off); }
    /** Destination port. */
    public int destinationPort() { return buf.getUnsignedShort(off + 2); }
    /** UDP length: header plus data. */
    public int length() { return buf.getUnsignedShort(off + 4); }
    /** Stored checksum (0 over IPv4 = none). */
    public int checksum() { return buf.getUnsignedShort(off + 6); }

    /** Sets the source port. */
    public void setSourcePort(int v) { buf.setShort(off, v); }
    /** Sets the destination port. */
    public void setDestinationPort(int v) { buf.setShort(off + 2, v); }
    /** Sets the UDP length. */
    public void setLength(int v) { buf.setShort(off + 4, v); }
    /** Stores a checksum value. */
    public void setChecksum(int v) { buf.setShort(off + 6, v); }
}
