package io.calloutd.packet;

import io.netty.buffer.ByteBuf;

/** Flyweight view of an ICMPv4 header (RFC 792); accessors in {@link IcmpLayout}. */
public final class IcmpHeader extends IcmpLayout {
    /** Points this view at a header at absolute index {@code offset}; returns this. */
    public IcmpHeader wrap(ByteBuf buf, int offset) {
        point(buf, offset);
        return this;
    }
}
