/**
 * Zero-copy packet model: reusable flyweight header views over Netty {@link io.netty.buffer.ByteBuf}
 * memory, a validating {@link io.calloutd.packet.PacketParser} that fills a reusable
 * {@link io.calloutd.packet.ParsedPacket}, and named drop reasons with per-thread counters.
 *
 * <p>All offsets are absolute buffer indices (as for {@code ByteBuf.getByte(int)}); views never
 * move reader/writer indices and never retain or release the buffer. Multi-byte fields are in
 * network byte order. Views do no bounds validation of their own: wrap them only over memory the
 * parser has validated.
 */
package io.calloutd.packet;
