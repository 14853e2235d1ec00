package io.calloutd.gso;

import io.calloutd.packet.IpProtocols;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Software USO for {@code GSO_UDP_L4} super-frames (Linux {@code __udp_gso_segment}): every segment
 * is a whole UDP datagram of at most gso_size payload bytes with its own UDP length and a full
 * checksum (a computed 0 is sent as 0xFFFF). Not for legacy UFO ({@code GSO_UDP}), which is IP
 * fragmentation of one datagram.
 */
public final class UdpSegmenter extends Segmenter {

    /** A segmenter with {@link #DEFAULT_MAX_SEGMENTS}. */
    public UdpSegmenter(ByteBufAllocator allocator, int headroom) {
        this(allocator, headroom, DEFAULT_MAX_SEGMENTS);
    }

    /**
     * @param allocator source of the segment buffers (direct buffers are requested)
     * @param headroom bytes reserved before each segment's IP header
     * @param maxSegments more segments than this is refused with {@link GsoDropReason#TOO_MANY_SEGMENTS}
     */
    public UdpSegmenter(ByteBufAllocator allocator, int headroom, int maxSegments) {
        super(allocator, headroom, maxSegments, IpProtocols.UDP);
    }

    @Override
    void fixTransport(ByteBuf seg, int l4, int l4Length, int index, int count, int payloadOffset) {
        seg.setShort(l4 + 4, l4Length);
    }
}
