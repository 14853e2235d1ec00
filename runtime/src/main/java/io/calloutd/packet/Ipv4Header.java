package io.calloutd.packet;

import io.calloutd.checksum.IncrementalChecksum;
import io.calloutd.checksum.Ipv4Checksums;
import io.netty.buffer.ByteBuf;

/**
 * Flyweight view of an IPv4 header (RFC 791). Reusable: {@link #wrap} re-points it without allocating.
 * The {@code ...UpdatingChecksum} setters fix the header checksum incrementally (RFC 1624).
 */
public final class Ipv4Header {
    /** Minimum header length in bytes. */
    public static final int MIN_LENGTH = 20;
    /** Don't Fragment flag bit in the flags/fragment-offset word. */
    public static final int FLAG_DF = 0x4000;
    /** More Fragments flag bit in the flags/fragment-offset word. */
    public static final int FLAG_MF = 0x2000;

    private ByteBuf buf;
    private int off;

    /** Points this view at an IPv4 header at absolute index {@code offset}; returns this. */
    public Ipv4Header wrap(ByteBuf buf, int offset) {
        this.buf = buf;
        this.off = offset;
        return this;
    }

    /** The wrapped buffer. */
    public ByteBuf buffer() { return buf; }
    /** Absolute index of the header. */
    public int offset() { return off; }

    /** Version nibble (4 for a valid header). */
    public int version() { return buf.getUnsignedByte(off) >>> 4; }
    /** IHL in 32-bit words. */
    public int ihl() { return buf.getUnsignedByte(off) & 0x0F; }
    /** Header length in bytes (IHL * 4). */
    public int headerLength() { return ihl() << 2; }
    /** DSCP (upper six bits of the former TOS byte). */
    public int dscp() { return buf.getUnsignedByte(off + 1) >>> 2; }
    /** ECN (lower two bits of the former TOS byte). */
    public int ecn() { return buf.getUnsignedByte(off + 1) & 0x03; }
    /** Total length of the datagram in bytes. */
    public int totalLength() { return buf.getUnsignedShort(off + 2); }
    /** Identification. */
    public int identification() { return buf.getUnsignedShort(off + 4); }
    /** The raw flags + fragment offset word. */
    public int flagsAndFragmentOffset() { return buf.getUnsignedShort(off + 6); }
    /** Don't Fragment flag. */
    public boolean dontFragment() { return (flagsAndFragmentOffset() & FLAG_DF) != 0; }
    /** More Fragments flag. */
    public boolean moreFragments() { return (flagsAndFragmentOffset() & FLAG_MF) != 0; }
    /** The reserved (evil) bit. */
    public boolean reservedFlag() { return (flagsAndFragmentOffset() & 0x8000) != 0; }
    /** Fragment offset in bytes (the field is in 8-byte units). */
    public int fragmentOffset() { return (flagsAndFragmentOffset() & 0x1FFF) << 3; }
    /** Time to live. */
    public int ttl() { return buf.getUnsignedByte(off + 8); }
    /** Protocol number of the payload. */
    public int protocol() { return buf.getUnsignedByte(off + 9); }
    /** Stored header checksum. */
    public int headerChecksum() { return buf.getUnsignedShort(off + 10); }
    /** Source address as a big-endian int. */
    public int sourceAddress() { return buf.getInt(off + 12); }
    /** Destination address as a big-endian int. */
    public int destinationAddress() { return buf.getInt(off + 16); }
    /** Absolute index of the options region (valid if {@link #optionsLength()} &gt; 0). */
    public int optionsOffset() { return off + MIN_LENGTH; }
    /** Length of the options region in bytes. */
    public int optionsLength() { return headerLength() - MIN_LENGTH; }

    /** Sets DSCP and ECN (TOS byte); does not touch the checksum. */
    public void setDscpEcn(int dscp, int ecn) { buf.setByte(off + 1, (dscp << 2) | (ecn & 3)); }
    /** Sets total length; does not touch the checksum. */
    public void setTotalLength(int v) { buf.setShort(off + 2, v); }
    /** Sets identification; does not touch the checksum. */
    public void setIdentification(int v) { buf.setShort(off + 4, v); }
    /** Sets flags (DF/MF) and fragment offset in bytes (must be a multiple of 8); no checksum update. */
    public void setFlagsAndFragmentOffset(boolean df, boolean mf, int fragmentOffsetBytes) {
        buf.setShort(off + 6, (df ? FLAG_DF : 0) | (mf ? FLAG_MF : 0) | ((fragmentOffsetBytes >>> 3) & 0x1FFF));
    }
    /** Sets TTL; does not touch the checksum. */
    public void setTtl(int v) { buf.setByte(off + 8, v); }
    /** Sets the protocol; does not touch the checksum. */
    public void setProtocol(int v) { buf.setByte(off + 9, v); }
    /** Stores a header checksum value. */
    public void setHeaderChecksum(int v) { buf.setShort(off + 10, v); }
    /** Sets the source address; does not touch any checksum. */
    public void setSourceAddress(int v) { buf.setInt(off + 12, v); }
    /** Sets the destination address; does not touch any checksum. */
    public void setDestinationAddress(int v) { buf.setInt(off + 16, v); }

    /** Sets TTL and fixes the header checksum incrementally. */
    public void setTtlUpdatingChecksum(int ttl) {
        // TTL shares its 16-bit checksum word with the protocol byte.
        IncrementalChecksum.replace16(buf, off + 8, (ttl << 8) | protocol(), off + 10);
    }
    /** Sets total length and fixes the header checksum incrementally. */
    public void setTotalLengthUpdatingChecksum(int v) { IncrementalChecksum.replace16(buf, off + 2, v, off + 10); }
    /** Sets identification and fixes the header checksum incrementally. */
    public void setIdentificationUpdatingChecksum(int v) { IncrementalChecksum.replace16(buf, off + 4, v, off + 10); }
    /** Sets the source address and fixes the header checksum (not the transport checksum). */
    public void setSourceAddressUpdatingChecksum(int v) { IncrementalChecksum.replace32(buf, off + 12, v, off + 10); }
    /** Sets the destination address and fixes the header checksum (not the transport checksum). */
    public void setDestinationAddressUpdatingChecksum(int v) { IncrementalChecksum.replace32(buf, off + 16, v, off + 10); }

    /** Recomputes the header checksum from scratch and stores it. */
    public void writeHeaderChecksum() { Ipv4Checksums.write(buf, off); }
    /** True if the stored header checksum is correct. */
    public boolean verifyHeaderChecksum() { return Ipv4Checksums.verify(buf, off); }
}
