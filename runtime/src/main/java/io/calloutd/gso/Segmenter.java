package io.calloutd.gso;

import io.calloutd.checksum.Ipv4Checksums;
import io.calloutd.checksum.TransportChecksums;
import io.calloutd.packet.ParsedPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Software GSO: splits one parsed super-frame into segments of at most {@code segmentSize} payload
 * bytes, each a complete packet in its own direct buffer from the allocator (pooled in production, so
 * the steady state allocates nothing but those buffers). Per segment the IP and transport headers
 * (including IPv4 options and IPv6 extension headers) are copied, and fixed as Linux's
 * {@code inet_gso_segment}/{@code ipv6_gso_segment} do: IPv4 total length, identification
 * incrementing from the original (mod 2^16), header checksum; IPv6 payload length. The transport
 * checksum is computed in full: these are packets we build, so nothing is left partial.
 *
 * <p>Single-threaded (one per worker thread); instances hold no per-call state, so reentrancy is fine.
 */
public abstract sealed class Segmenter permits TcpSegmenter, UdpSegmenter {
    /** Default cap on segments per super-frame: 64 KiB at Linux's smallest MSS (88) is ~745. */
    public static final int DEFAULT_MAX_SEGMENTS = 1024;

    private final ByteBufAllocator allocator;
    private final int headroom;
    private final int maxSegments;
    private final int protocol;

    Segmenter(ByteBufAllocator allocator, int headroom, int maxSegments, int protocol) {
        if (headroom < 0 || maxSegments < 1) {
            throw new IllegalArgumentException("headroom " + headroom + ", maxSegments " + maxSegments);
        }
        this.allocator = allocator;
        this.headroom = headroom;
        this.maxSegments = maxSegments;
        this.protocol = protocol;
    }

    /** Bytes reserved before the IP header of every segment (e.g. {@link VnetHeader#SIZE}). */
    public final int headroom() {
        return headroom;
    }

    /** The transport protocol number this segmenter handles (6 or 17). */
    public final int protocol() {
        return protocol;
    }

    /**
     * Segments the packet {@code packet} describes (the result of a successful
     * {@code PacketParser.parse}; its buffer is only read). A payload of at most {@code segmentSize}
     * bytes gives one segment. Segments go to {@code sink} in order, each as soon as it is built.
     *
     * @param packet the parsed super-frame (IP packet without vnet header)
     * @param segmentSize payload bytes per segment (virtio gso_size; the MSS for TCP)
     * @param sink receives each segment and owns it
     * @return null when all segments were delivered, otherwise why none was (nothing was allocated)
     */
    public final GsoDropReason segment(ParsedPacket packet, int segmentSize, SegmentSink sink) {
        int version = packet.ipVersion();
        if (version != 4 && version != 6) {
            return GsoDropReason.MALFORMED_PACKET;
        }
        if (packet.transportProtocol() != protocol) {
            return GsoDropReason.GSO_TYPE_MISMATCH;
        }
        if (packet.isFragment() || !packet.hasTransportHeader()) {
            return GsoDropReason.GSO_NOT_SEGMENTABLE;
        }
        if (segmentSize <= 0) {
            return GsoDropReason.GSO_SIZE_ZERO;
        }
        int payloadLength = packet.payloadLength();
        int count = payloadLength == 0 ? 1 : (payloadLength + segmentSize - 1) / segmentSize;
        if (count > maxSegments) {
            return GsoDropReason.TOO_MANY_SEGMENTS;
        }
        ByteBuf src = packet.buffer();
        int srcIp = packet.networkOffset();
        int srcPayload = packet.payloadOffset();
        int headerLength = srcPayload - srcIp;
        int l4 = headroom + packet.transportOffset() - srcIp;
        int firstId = version == 4 ? src.getUnsignedShort(srcIp + 4) : 0;
        int done = 0;
        for (int i = 0; i < count; i++) {
            int length = Math.min(segmentSize, payloadLength - done);
            int total = headerLength + length;
            ByteBuf seg = allocator.directBuffer(headroom + total);
            seg.setIndex(headroom, headroom);
            seg.writeBytes(src, srcIp, headerLength);
            seg.writeBytes(src, srcPayload + done, length);
            int l4Length = headroom + total - l4;
            fixTransport(seg, l4, l4Length, i, count, done);
            if (version == 4) {
                seg.setShort(headroom + 2, total);
                seg.setShort(headroom + 4, firstId + i);
                Ipv4Checksums.write(seg, headroom);
                TransportChecksums.writeV4(seg, headroom, protocol, l4, l4Length);
            } else {
                // IPv6 payload length counts extension headers too: everything after the fixed header.
                seg.setShort(headroom + 4, total - 40);
                TransportChecksums.writeV6(seg, headroom, protocol, l4, l4Length);
            }
            done += length;
            sink.accept(seg, i, count);
        }
        return null;
    }

    /**
     * Adjusts the copied transport header of segment {@code index} (checksum excluded: done after).
     *
     * @param seg the segment buffer
     * @param l4 absolute index of its transport header
     * @param l4Length transport header plus this segment's payload
     * @param index 0-based segment number
     * @param count number of segments
     * @param payloadOffset offset of this segment's payload within the super-frame's payload
     */
    abstract void fixTransport(ByteBuf seg, int l4, int l4Length, int index, int count, int payloadOffset);
}
