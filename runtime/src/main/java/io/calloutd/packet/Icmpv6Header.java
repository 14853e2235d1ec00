package io.calloutd.packet;

import io.netty.buffer.ByteBuf;

/** Flyweight view of an ICMPv6 header (RFC 4443); accessors in {@link IcmpLayout}. */
public final class Icmpv6Header extends IcmpLayout {
    /** Points this view at a header at absolute index {@code offset}; returns this. */
    public Icmpv6Header wrap(ByteBuf buf, int offset) {
        point(buf, offset);
        return this;
    }
}
