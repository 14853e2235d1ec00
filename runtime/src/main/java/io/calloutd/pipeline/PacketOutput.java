package io.calloutd.pipeline;

import io.netty.buffer.ByteBuf;

/**
 * Packets a verdict hook originates itself (the stream layer's rebuilt TCP segments): they leave like permitted
 * packets (MTU fit, reinjection toward their direction's egress) without being classified again. Packet thread only.
 */
@FunctionalInterface
public interface PacketOutput {
    /**
     * Sends a complete IP packet (valid checksums) after the packet being decided, or at once when none is.
     *
     * @param packet    the packet; ownership passes to the output (released even when refused)
     * @param direction the direction it travels (its egress)
     * @return false if refused (queue full); the packet is then already released
     */
    boolean send(ByteBuf packet, Direction direction);
}
