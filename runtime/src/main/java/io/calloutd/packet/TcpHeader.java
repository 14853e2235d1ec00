package io.calloutd.packet;

import io.netty.buffer.ByteBuf;

/** Flyweight view of a TCP header (RFC 9293). Setters do not touch the checksum. */
public final class TcpHeader {
    /** Minimum header length in bytes. */
    public static final int MIN_LENGTH = 20;
    /** Offset of the checksum field. */
    public static final int CHECKSUM_FIELD = 16;
    /** FIN flag bit. */
    public static final int FIN = 0x01;
    /** SYN flag bit. */
    public static final int SYN = 0x02;
    /** RST flag bit. */
    public static final int RST = 0x04;
    /** PSH flag bit. */
    public static final int PSH = 0x08;
    /** ACK flag bit. */
    public static final int ACK = 0x10;
    /** URG flag bit. */
    public static final int URG = 0x20;
    /** ECE flag bit. */
    public static final int ECE = 0x40;
    /** CWR flag bit. */
    public static final int CWR = 0x80;

    private ByteBuf buf;
    private int off;

    /** Points this view at a TCP header at absolute index {@code offset}; returns this. */
    public TcpHeader wrap(ByteBuf buf, int offset) {
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
    /** Sequence number (use {@code Integer.toUnsignedLong} for arithmetic display). */
    public int sequenceNumber() { return buf.getInt(off + 4); }
    /** Acknowledgment number. */
    public int acknowledgmentNumber() { return buf.getInt(off + 8); }
    /** Data offset in 32-bit words. */
    public int dataOffset() { return buf.getUnsignedByte(off + 12) >>> 4; }
    /** Header length in bytes (data offset * 4). */
    public int headerLength() { return dataOffset() << 2; }
    /** The 8 flag bits CWR..FIN (see the constants). */
    public int flags() { return buf.getUnsignedByte(off + 13); }
    /** True if all bits of {@code mask} are set. */
    public boolean hasFlags(int mask) { return (flags() & mask) == mask; }
    /** The NS/AE bit (lowest bit of byte 12). */
    public boolean nsFlag() { return (buf.getUnsignedByte(off + 12) & 1) != 0; }
    /** Window (unscaled). */
    public int window() { return buf.getUnsignedShort(off + 14); }
    /** Stored checksum. */
    public int checksum() { return buf.getUnsignedShort(off + 16); }
    /** Urgent pointer. */
    public int urgentPointer() { return buf.getUnsignedShort(off + 18); }
    /** Absolute index of the options region. */
    public int optionsOffset() { return off + MIN_LENGTH; }
    /** Length of the options region in bytes. */
    public int optionsLength() { return headerLength() - MIN_LENGTH; }

    /** Sets the source port. */
    public void setSourcePort(int v) { buf.setShort(off, v); }
    /** Sets the destination port. */
    public void setDestinationPort(int v) { buf.setShort(off + 2, v); }
    /** Sets the sequence number. */
    public void setSequenceNumber(int v) { buf.setInt(off + 4, v); }
    /** Sets the acknowledgment number. */
    public void setAcknowledgmentNumber(int v) { buf.setInt(off + 8, v); }
    /** Sets the flag byte. */
    public void setFlags(int v) { buf.setByte(off + 13, v); }
    /** Sets the window. */
    public void setWindow(int v) { buf.setShort(off + 14, v); }
    /** Stores a checksum value. */
    public void setChecksum(int v) { buf.setShort(off + 16, v); }
    /** Sets the urgent pointer. */
    public void setUrgentPointer(int v) { buf.setShort(off + 18, v); }
}
