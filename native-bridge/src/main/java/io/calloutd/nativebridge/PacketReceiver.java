package io.calloutd.nativebridge;

import io.netty.buffer.ByteBuf;

/**
 * Receives packets read by a {@link PacketIoLoop}. Both methods run on the loop's thread and must not block.
 */
@FunctionalInterface
public interface PacketReceiver {
    /**
     * Handles one packet. The receiver owns {@code packet} and must release it (or pass ownership on).
     * Exceptions are caught, logged once per type and counted by the loop; the packet is then considered
     * leaked by the receiver, so release before throwing if possible.
     *
     * @param queue the queue the packet was read from
     * @param packet the packet bytes (readable bytes; with vnet header if {@link TunQueue#vnetHeader()})
     */
    void onPacket(TunQueue queue, ByteBuf packet);

    /** Called after each read batch that delivered at least one packet, e.g. to flush queued writes. */
    default void onBatchEnd() {
    }
}
