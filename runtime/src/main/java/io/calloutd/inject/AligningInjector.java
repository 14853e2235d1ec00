package io.calloutd.inject;

import io.calloutd.nativebridge.TunQueue;
import io.netty.buffer.ByteBuf;

/**
 * A {@link PacketInjector} that hands the kernel every packet as one contiguous, 8-byte-aligned run (IP header
 * and transport header together), copying through a {@link HeaderRebuilder} only the packets that are not already
 * so. Use it where packets change path (an inbound packet injected on the send path) or after header rewrites.
 * Same contract as the delegate: never releases the caller's buffer, never throws. Single-threaded, like the
 * rebuilder it owns.
 */
public final class AligningInjector implements PacketInjector {
    private final PacketInjector delegate;
    private final HeaderRebuilder rebuilder;

    /** @param delegate the injector that talks to the kernel (e.g. a {@link Reinjector}) */
    public AligningInjector(PacketInjector delegate) {
        this(delegate, new HeaderRebuilder());
    }

    /** @param rebuilder the calling thread's rebuilder (its scratch is reused by this injector) */
    public AligningInjector(PacketInjector delegate, HeaderRebuilder rebuilder) {
        this.delegate = delegate;
        this.rebuilder = rebuilder;
    }

    @Override
    public InjectionResult injectReceive(TunQueue queue, ByteBuf packet) {
        return delegate.injectReceive(queue, rebuilder.rebuild(packet));
    }

    @Override
    public InjectionResult injectSend(ByteBuf packet, int ipVersion) {
        return delegate.injectSend(rebuilder.rebuild(packet), ipVersion);
    }

    /** The rebuilder, for its copy / pass-through counters. */
    public HeaderRebuilder rebuilder() {
        return rebuilder;
    }
}
