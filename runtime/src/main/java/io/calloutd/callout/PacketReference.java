package io.calloutd.callout;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A reference on the original packet (FwpsReferenceNetBufferList, §3.4): holds one Netty reference so the bytes
 * outlive classify. Out-of-band modification keeps one, later {@link #clone()}s it, then {@link #release()}s it
 * (FwpsDereferenceNetBufferList). Exactly one release is allowed.
 */
public final class PacketReference {
    private final ByteBuf buffer;
    private final int ipStart, end, dataOffset;
    private final PacketLayout layout;
    private final boolean intendToModify;
    private boolean released;

    PacketReference(ByteBuf retained, int ipStart, int end, int dataOffset, PacketLayout layout, boolean intendToModify) {
        this.buffer = retained;
        this.ipStart = ipStart;
        this.end = end;
        this.dataOffset = dataOffset;
        this.layout = layout;
        this.intendToModify = intendToModify;
    }

    /** True if the reference was taken with intent to modify. */
    public boolean intendToModify() { return intendToModify; }
    /** True once released. */
    public synchronized boolean isReleased() { return released; }
    /** Bytes of the IP datagram. */
    public int ipLength() { return end - ipStart; }
    /** The injection tag the packet had when referenced. */
    public InjectionTag injectionTag() { return layout.tag(); }

    /** A clone sharing the referenced bytes, positioned where the view was when referenced. */
    public synchronized PacketClone clone() {
        check();
        return new PacketClone(buffer.retainedSlice(ipStart, end - ipStart), true, layout, dataOffset);
    }

    /** A private deep copy the callout may modify. */
    public synchronized PacketClone deepCopy(ByteBufAllocator alloc) {
        check();
        ByteBuf copy = alloc.buffer(end - ipStart);
        copy.writeBytes(buffer, ipStart, end - ipStart);
        return new PacketClone(copy, false, layout, dataOffset);
    }

    /** Drops the reference; a second call throws {@link IllegalStateException}. */
    public synchronized void release() {
        check();
        released = true;
        buffer.release();
    }

    private void check() {
        if (released) throw new IllegalStateException("packet reference already released");
    }
}
