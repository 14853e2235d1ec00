package io.calloutd.packet;

import io.netty.buffer.ByteBuf;

/** Flyweight view of the 8-byte IPv6 Fragment extension header (RFC 8200 §4.5). */
public final class Ipv6FragmentHeader {
    /** Header length in bytes. */
    public static final int LENGTH = 8;

    private ByteBuf buf;
    private int off;

    /** Points this view at a fragment header at absolute index {@code offset}; returns this. */
    public Ipv6FragmentHeader wrap(ByteBuf buf, int offset) {
        this.buf = buf;
        this.off = offset;
        return this;
    }

    /** Absolute index of the header. */
    public int offset() { return off; }
    /** Next Header of the fragmentable part. */
    public int nextHeader() { return buf.getUnsignedByte(off); }
    /** Fragment offset in bytes (the field is in 8-byte units). */
    public int fragmentOffset() { return buf.getUnsignedShort(off + 2) & 0xFFF8; }
    /** The two reserved bits next to the M flag. */
    public int reservedBits() { return (buf.getUnsignedShort(off + 2) >>> 1) & 0x3; }
    /** More Fragments flag. */
    public boolean moreFragments() { return (buf.getUnsignedByte(off + 3) & 1) != 0; }
    /** 32-bit identification. */
    public int identification() { return buf.getInt(off + 4); }
    /** True for an atomic fragment (offset 0, M clear: RFC 6946). */
    public boolean isAtomic() { return (buf.getUnsignedShort(off + 2) & 0xFFF9) == 0; }

    /** Sets the Next Header. */
    public void setNextHeader(int v) { buf.setByte(off, v); }
    /** Sets the fragment offset (bytes, multiple of 8) and M flag. */
    public void setFragmentOffsetAndMore(int offsetBytes, boolean more) {
        buf.setShort(off + 2, (offsetBytes & 0xFFF8) | (more ? 1 : 0));
    }
    /** Sets the identification. */
    public void setIdentification(int v) { buf.setInt(off + 4, v); }
}
