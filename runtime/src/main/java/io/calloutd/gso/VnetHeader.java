package io.calloutd.gso;

import io.calloutd.nativebridge.VirtioNetHeader;
import io.netty.buffer.ByteBuf;

/**
 * Flyweight read/write view of a 10-byte {@code struct virtio_net_hdr} (layout in
 * {@link VirtioNetHeader}). Reusable: {@link #wrap} re-points it without allocating. Multi-byte
 * fields are little-endian (the kernel uses host order on a TUN unless TUNSETVNETBE is set; calloutd
 * runs on x86-64). {@code csum_start} counts from the first byte after this header, i.e. the IP header.
 */
public final class VnetHeader {
    /** Header size in bytes (the TUN default, without num_buffers). */
    public static final int SIZE = VirtioNetHeader.SIZE;

    private ByteBuf buf;
    private int off;

    /** Points this view at a header at absolute index {@code offset}; returns this. */
    public VnetHeader wrap(ByteBuf buf, int offset) {
        this.buf = buf;
        this.off = offset;
        return this;
    }

    /** Absolute index of the header. */
    public int offset() { return off; }
    /** The raw flags byte. */
    public int flags() { return buf.getUnsignedByte(off + VirtioNetHeader.OFFSET_FLAGS); }
    /** True if the transport checksum holds only the pseudo-header sum (VIRTIO_NET_HDR_F_NEEDS_CSUM). */
    public boolean needsChecksum() { return (flags() & VirtioNetHeader.FLAG_NEEDS_CSUM) != 0; }
    /** True if the sender already validated the checksum (VIRTIO_NET_HDR_F_DATA_VALID). */
    public boolean dataValid() { return (flags() & VirtioNetHeader.FLAG_DATA_VALID) != 0; }
    /** The raw gso_type byte, including the ECN bit. */
    public int gsoTypeRaw() { return buf.getUnsignedByte(off + VirtioNetHeader.OFFSET_GSO_TYPE); }
    /** gso_type without the ECN bit: one of the {@code VirtioNetHeader.GSO_*} values if valid. */
    public int gsoType() { return gsoTypeRaw() & ~VirtioNetHeader.GSO_ECN; }
    /** True if the ECN bit of gso_type is set. */
    public boolean ecn() { return (gsoTypeRaw() & VirtioNetHeader.GSO_ECN) != 0; }
    /** True if this is a GSO super-frame (gso_type other than NONE). */
    public boolean isGso() { return gsoType() != VirtioNetHeader.GSO_NONE; }
    /** hdr_len: bytes of headers to replicate (from a TUN read: the kernel's linear length, a hint only). */
    public int hdrLen() { return buf.getUnsignedShortLE(off + VirtioNetHeader.OFFSET_HDR_LEN); }
    /** gso_size: payload bytes per segment (the MSS for TCP). */
    public int gsoSize() { return buf.getUnsignedShortLE(off + VirtioNetHeader.OFFSET_GSO_SIZE); }
    /** csum_start: offset from the packet start where the checksummed region starts. */
    public int csumStart() { return buf.getUnsignedShortLE(off + VirtioNetHeader.OFFSET_CSUM_START); }
    /** csum_offset: offset from csum_start of the 16-bit checksum field. */
    public int csumOffset() { return buf.getUnsignedShortLE(off + VirtioNetHeader.OFFSET_CSUM_OFFSET); }

    /** Sets the flags byte. */
    public void setFlags(int v) { buf.setByte(off + VirtioNetHeader.OFFSET_FLAGS, v); }
    /** Sets the raw gso_type byte (include {@code GSO_ECN} if wanted). */
    public void setGsoType(int v) { buf.setByte(off + VirtioNetHeader.OFFSET_GSO_TYPE, v); }
    /** Sets hdr_len. */
    public void setHdrLen(int v) { buf.setShortLE(off + VirtioNetHeader.OFFSET_HDR_LEN, v); }
    /** Sets gso_size. */
    public void setGsoSize(int v) { buf.setShortLE(off + VirtioNetHeader.OFFSET_GSO_SIZE, v); }
    /** Sets csum_start. */
    public void setCsumStart(int v) { buf.setShortLE(off + VirtioNetHeader.OFFSET_CSUM_START, v); }
    /** Sets csum_offset. */
    public void setCsumOffset(int v) { buf.setShortLE(off + VirtioNetHeader.OFFSET_CSUM_OFFSET, v); }

    /** Zeroes all fields: GSO_NONE, no flags — "a complete packet with a valid checksum". */
    public void clear() {
        buf.setLong(off, 0L);
        buf.setShort(off + 8, 0);
    }

    /**
     * Checks the header against a packet of {@code packetLength} bytes (the bytes after the header).
     * Only what the header alone can be checked against; whether gso_type matches the packet is
     * checked when segmenting.
     *
     * @return null if plausible, otherwise the reason
     */
    public GsoDropReason validate(int packetLength) {
        int type = gsoType();
        switch (type) {
            case VirtioNetHeader.GSO_NONE:
            case VirtioNetHeader.GSO_TCPV4:
            case VirtioNetHeader.GSO_UDP:
            case VirtioNetHeader.GSO_TCPV6:
            case VirtioNetHeader.GSO_UDP_L4:
                break;
            default:
                return GsoDropReason.UNKNOWN_GSO_TYPE;
        }
        if (type != VirtioNetHeader.GSO_NONE && gsoSize() == 0) {
            return GsoDropReason.GSO_SIZE_ZERO;
        }
        if (needsChecksum()) {
            int start = csumStart();
            int field = csumOffset();
            if (start >= packetLength) {
                return GsoDropReason.CSUM_START_OUT_OF_PACKET;
            }
            if (field > packetLength - start - 2) {
                return GsoDropReason.CSUM_OFFSET_OUT_OF_PACKET;
            }
            if ((field & 1) != 0) {
                return GsoDropReason.CSUM_OFFSET_MISALIGNED;
            }
        }
        if (hdrLen() > packetLength) {
            return GsoDropReason.HDR_LEN_EXCEEDS_PACKET;
        }
        return null;
    }

    /**
     * Prepends an all-zero header (GSO_NONE, no flags) to {@code packet} in its headroom: moves the
     * reader index back by {@link #SIZE} and zeroes those bytes. Use it to write a complete packet with
     * a valid checksum (e.g. a segment made with headroom) to a vnet-header TUN without copying.
     *
     * @return false (nothing changed) if the reader index is below {@link #SIZE}
     */
    public static boolean prependNone(ByteBuf packet) {
        int ri = packet.readerIndex();
        if (ri < SIZE) {
            return false;
        }
        packet.setLong(ri - SIZE, 0L);
        packet.setShort(ri - 2, 0);
        packet.readerIndex(ri - SIZE);
        return true;
    }
}
