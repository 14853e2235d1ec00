package io.calloutd.gso;

import io.calloutd.packet.IpProtocols;
import io.calloutd.packet.TcpHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Software TSO for {@code GSO_TCPV4}/{@code GSO_TCPV6} super-frames. Per segment, as Linux's
 * {@code tcp_gso_segment}: sequence number advanced by the payload offset; FIN and PSH kept only on
 * the last segment; CWR kept only on the first; every other header field (ACK, window, options such
 * as timestamps, urgent pointer) copied unchanged.
 */
public final class TcpSegmenter extends Segmenter {
    private static final int NOT_LAST_CLEARS = TcpHeader.FIN | TcpHeader.PSH;

    /** A segmenter with {@link #DEFAULT_MAX_SEGMENTS}. */
    public TcpSegmenter(ByteBufAllocator allocator, int headroom) {
        this(allocator, headroom, DEFAULT_MAX_SEGMENTS);
    }

    /**
     * @param allocator source of the segment buffers (direct buffers are requested)
     * @param headroom bytes reserved before each segment's IP header
     * @param maxSegments more segments than this is refused with {@link GsoDropReason#TOO_MANY_SEGMENTS}
     */
    public TcpSegmenter(ByteBufAllocator allocator, int headroom, int maxSegments) {
        super(allocator, headroom, maxSegments, IpProtocols.TCP);
    }

    @Override
    void fixTransport(ByteBuf seg, int l4, int l4Length, int index, int count, int payloadOffset) {
        seg.setInt(l4 + 4, seg.getInt(l4 + 4) + payloadOffset);
        int flags = seg.getUnsignedByte(l4 + 13);
        if (index < count - 1) {
            flags &= ~NOT_LAST_CLEARS;
        }
        if (index > 0) {
            flags &= ~TcpHeader.CWR;
        }
        seg.setByte(l4 + 13, flags);
    }
}
