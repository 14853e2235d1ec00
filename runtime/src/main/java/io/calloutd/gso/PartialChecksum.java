package io.calloutd.gso;

import io.calloutd.checksum.InternetChecksum;
import io.netty.buffer.ByteBuf;

/**
 * Completes a {@code VIRTIO_NET_HDR_F_NEEDS_CSUM} (CHECKSUM_PARTIAL) transport checksum in place, as
 * the kernel's {@code skb_checksum_help} does: the field at csum_start + csum_offset already holds the
 * (uncomplemented) pseudo-header sum, so the one's-complement sum of csum_start..end — which includes
 * that field — is exactly the full sum; its complement is the checksum. Works for TCP, UDP and ICMPv6
 * alike, without parsing. A result of 0 is stored as 0xFFFF (the kernel's CSUM_MANGLED_0; equivalent
 * for TCP, required for UDP where 0 means "none").
 */
public final class PartialChecksum {

    private PartialChecksum() {}

    /**
     * Completes the checksum of the packet formed by {@code packet}'s readable bytes.
     *
     * @param csumStart offset from the reader index where summing starts (virtio csum_start)
     * @param csumOffset offset of the 16-bit checksum field from csumStart (virtio csum_offset)
     * @return null when done, otherwise why not (nothing is written then)
     */
    public static GsoDropReason complete(ByteBuf packet, int csumStart, int csumOffset) {
        int length = packet.readableBytes();
        if (csumStart < 0 || csumStart >= length) {
            return GsoDropReason.CSUM_START_OUT_OF_PACKET;
        }
        if (csumOffset < 0 || csumOffset > length - csumStart - 2) {
            return GsoDropReason.CSUM_OFFSET_OUT_OF_PACKET;
        }
        if ((csumOffset & 1) != 0) {
            return GsoDropReason.CSUM_OFFSET_MISALIGNED;
        }
        int start = packet.readerIndex() + csumStart;
        int sum = InternetChecksum.sum(packet, start, length - csumStart);
        int checksum = ~sum & 0xFFFF;
        packet.setShort(start + csumOffset, checksum == 0 ? 0xFFFF : checksum);
        return null;
    }
}
