package io.calloutd.inject;

import io.calloutd.nativebridge.TunQueue;
import io.netty.buffer.ByteBuf;

/**
 * Hands a whole IP packet (the buffer's readable bytes) back to the kernel. Implementations never release the
 * buffer and never throw: a refusal is reported as a result so the caller can count it.
 */
public interface PacketInjector {
    /** Receive path: the kernel sees the packet arrive on the TUN the queue belongs to. */
    InjectionResult injectReceive(TunQueue queue, ByteBuf packet);

    /** Send path: the packet leaves through the marked raw socket of its IP version. */
    InjectionResult injectSend(ByteBuf packet, int ipVersion);
}
