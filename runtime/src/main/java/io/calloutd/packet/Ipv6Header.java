package io.calloutd.packet;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight view of the fixed 40-byte IPv6 header (RFC 8200). Addresses are exposed as two
 * big-endian longs (high = bytes 0..7, low = bytes 8..15) so they can be compared, hashed and copied
 * without allocation.
 */
public final class Ipv6Header {
    /** Fixed header length in bytes. */
    public static final int LENGTH = 40;

    private ByteBuf buf;
    private int off;

    /** Points this view at an IPv6 header at absolute index {@code offset}; returns this. */
    public Ipv6Header wrap(ByteBuf buf, int offset) {
        this.buf = buf;
        this.off = offset;
        return this;
    }

    /** The wrapped buffer. */
    public ByteBuf buffer() { return buf; }
    /** Absolute index of the header. */
    public int offset() { return off; }

    /** Version nibble (6 for a valid header). */
    public int version() { return buf.getUnsignedByte(off) >>> 4; }
    /** Traffic class (8 bits). */
    public int trafficClass() { return (buf.getUnsignedShort(off) >>> 4) & 0xFF; }
    /** Flow label (20 bits). */
    public int flowLabel() { return buf.getInt(off) & 0xFFFFF; }
    /** Payload length: bytes after the fixed header, extension headers included. */
    public int payloadLength() { return buf.getUnsignedShort(off + 4); }
    /** Next Header of the fixed header (first extension header or upper-layer protocol). */
    public int nextHeader() { return buf.getUnsignedByte(off + 6); }
    /** Hop limit. */
    public int hopLimit() { return buf.getUnsignedByte(off + 7); }
    /** Bytes 0..7 of the source address. */
    public long sourceAddressHigh() { return buf.getLong(off + 8); }
    /** Bytes 8..15 of the source address. */
    public long sourceAddressLow() { return buf.getLong(off + 16); }
    /** Bytes 0..7 of the destination address. */
    public long destinationAddressHigh() { return buf.getLong(off + 24); }
    /** Bytes 8..15 of the destination address. */
    public long destinationAddressLow() { return buf.getLong(off + 32); }
    /** Absolute index of the source address. */
    public int sourceAddressOffset() { return off + 8; }
    /** Absolute index of the destination address. */
    public int destinationAddressOffset() { return off + 24; }

    /** True if the source address equals {@code high:low}. */
    public boolean sourceAddressEquals(long high, long low) {
        return sourceAddressHigh() == high && sourceAddressLow() == low;
    }
    /** True if the destination address equals {@code high:low}. */
    public boolean destinationAddressEquals(long high, long low) {
        return destinationAddressHigh() == high && destinationAddressLow() == low;
    }
    /** Copies the 16-byte source address into {@code dst} at {@code dstIndex}. */
    public void copySourceAddress(byte[] dst, int dstIndex) { buf.getBytes(off + 8, dst, dstIndex, 16); }
    /** Copies the 16-byte destination address into {@code dst} at {@code dstIndex}. */
    public void copyDestinationAddress(byte[] dst, int dstIndex) { buf.getBytes(off + 24, dst, dstIndex, 16); }

    /** Sets the traffic class. */
    public void setTrafficClass(int tc) {
        int w = buf.getInt(off);
        buf.setInt(off, (w & 0xF00FFFFF) | ((tc & 0xFF) << 20));
    }
    /** Sets the flow label (20 bits). */
    public void setFlowLabel(int label) {
        int w = buf.getInt(off);
        buf.setInt(off, (w & 0xFFF00000) | (label & 0xFFFFF));
    }
    /** Sets the payload length. */
    public void setPayloadLength(int v) { buf.setShort(off + 4, v); }
    /** Sets the fixed header's Next Header. */
    public void setNextHeader(int v) { buf.setByte(off + 6, v); }
    /** Sets the hop limit (IPv6 has no header checksum). */
    public void setHopLimit(int v) { buf.setByte(off + 7, v); }
    /** Sets the source address; does not touch the transport checksum. */
    public void setSourceAddress(long high, long low) {
        buf.setLong(off + 8, high);
        buf.setLong(off + 16, low);
    }
    /** Sets the destination address; does not touch the transport checksum. */
    public void setDestinationAddress(long high, long low) {
        buf.setLong(off + 24, high);
        buf.setLong(off + 32, low);
    }
}
