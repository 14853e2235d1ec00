package io.calloutd.gso;

import io.netty.buffer.ByteBuf;

/**
 * Receives the segments a {@link Segmenter} builds, in order. Ownership of each buffer passes to the
 * sink on the call (the sink releases it, or hands it on). Typically a reusable object held by the
 * worker thread, so no lambda capture is allocated per packet.
 */
@FunctionalInterface
public interface SegmentSink {
    /**
     * One complete IP packet with valid IP and transport checksums; its readable bytes are the packet,
     * with the segmenter's headroom before the reader index.
     *
     * @param segment the segment (now owned by the sink)
     * @param index 0-based segment number
     * @param count total number of segments of this super-frame
     */
    void accept(ByteBuf segment, int index, int count);
}
