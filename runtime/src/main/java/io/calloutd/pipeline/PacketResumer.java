package io.calloutd.pipeline;

import io.netty.buffer.ByteBuf;

/**
 * Takes back a packet the classifier held while its classification was pended (§5) and runs it through the rest of
 * the data path: classified again through {@link VerdictHook#decideResumed} with the token, then emitted if
 * permitted. Called on the packet thread only; never re-enters a packet being processed (the packet waits until the
 * current one is done).
 */
@FunctionalInterface
public interface PacketResumer {
    /**
     * @param packet    the held packet from its IP header; ownership passes to the resumer (it releases it)
     * @param direction the direction the packet travels
     * @param token     handed back to {@link VerdictHook#decideResumed} (the pend the packet belongs to)
     */
    void resume(ByteBuf packet, Direction direction, Object token);
}
