package io.calloutd.stream;

/**
 * Stream layer limits.
 *
 * @param bufferLimit      bytes a stage may hold before it indicates with BUFFER_LIMIT_REACHED (8 MB in WFP, §6.2);
 *                         also the most in-order input a stream takes in before segments are dropped
 * @param outputBacklog    emitted-but-unacknowledged bytes kept per direction for retransmissions; beyond it new
 *                         input is dropped (the sender retransmits later)
 * @param mtu              largest IP packet the rebuilt segments may be
 * @param maxReemitSegments most segments re-sent for one retransmitted segment
 */
public record StreamConfig(int bufferLimit, int outputBacklog, int mtu, int maxReemitSegments) {
    /** 8 MB stage limit, 4 MB backlog, MTU 1500, 4 segments per retransmission. */
    public static final StreamConfig DEFAULTS = new StreamConfig(8 << 20, 4 << 20, 1500, 4);

    public StreamConfig {
        if (bufferLimit < 64 || outputBacklog < 65536 || mtu < 576 || maxReemitSegments < 1) {
            throw new IllegalArgumentException("stream limits too small: " + bufferLimit + "/" + outputBacklog + "/" + mtu);
        }
    }
}
