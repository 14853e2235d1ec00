package io.calloutd.callout;

import io.calloutd.engine.Direction;
import io.calloutd.engine.Layer;
import io.calloutd.packet.ParsedPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Layer data handed to callouts (the NBL analogue, §1.2, §3.4): one IP packet in a Netty buffer with a data offset
 * positioned per layer. The data path owns the buffer and reuses one view per thread ({@link #set}), so a callout may
 * only use the view during its classify call: to keep the packet it takes a {@link #reference} or a {@link #clone}.
 * The bytes are read-only for callouts; modifications go to a private copy ({@link #deepCopy} or a replaced clone
 * segment). A callout may {@link #retreat}/{@link #advance} the offset but must restore it before returning (the
 * runtime restores and counts it otherwise).
 */
public final class PacketView {
    private ByteBuf buffer;
    private int ipStart, end, offset;
    private int ipVersion, ipHeaderSize, transportProtocol, transportHeaderSize;
    private int direction, interfaceIndex, subInterfaceIndex;
    private InjectionTag tag;
    private Object origin;
    private boolean aleClassifyRequired;

    /** An empty view; fill it with {@link #set}. */
    public PacketView() { }

    /**
     * Points the view at a packet (no allocation, no retain).
     *
     * @param buf                 buffer holding the packet
     * @param ipStart             absolute index of the IP header
     * @param end                 absolute end of the IP datagram (exclusive)
     * @param ipVersion           4 or 6
     * @param ipHeaderSize        IP header bytes including extension headers
     * @param transportProtocol   IP protocol number
     * @param transportHeaderSize transport header bytes, 0 if none
     * @param dataOffset          layer data offset from {@code ipStart}
     * @return this
     */
    public PacketView set(ByteBuf buf, int ipStart, int end, int ipVersion, int ipHeaderSize, int transportProtocol,
                          int transportHeaderSize, int dataOffset) {
        if (ipStart < 0 || end < ipStart || dataOffset < 0 || ipStart + dataOffset > end) {
            throw new IllegalArgumentException("bad packet positions " + ipStart + "/" + dataOffset + "/" + end);
        }
        this.buffer = buf;
        this.ipStart = ipStart;
        this.end = end;
        this.ipVersion = ipVersion;
        this.ipHeaderSize = ipHeaderSize;
        this.transportProtocol = transportProtocol;
        this.transportHeaderSize = transportHeaderSize;
        this.offset = ipStart + dataOffset;
        this.tag = null;
        this.aleClassifyRequired = false;
        return this;
    }

    /**
     * Points the view at a parsed packet positioned for {@code layer} (§1.2).
     *
     * @return false (view unchanged) if the layer has no layer data for this packet; pass null layer data then
     */
    public boolean set(ParsedPacket p, Layer layer, int direction) {
        int ipH = p.transportOffset() - p.networkOffset();
        int rel = LayerOffsets.dataOffset(layer, direction, p.transportProtocol(), ipH, p.transportHeaderLength());
        if (rel == LayerOffsets.NO_LAYER_DATA || p.networkOffset() + rel > p.ipEnd()) return false;
        set(p.buffer(), p.networkOffset(), p.ipEnd(), p.ipVersion(), ipH, p.transportProtocol(), p.transportHeaderLength(), rel);
        this.direction = direction;
        return true;
    }

    /** Sets direction ({@link Direction}) and the arrival interface (needed for receive injection). */
    public PacketView arrival(int direction, int interfaceIndex, int subInterfaceIndex) {
        this.direction = direction;
        this.interfaceIndex = interfaceIndex;
        this.subInterfaceIndex = subInterfaceIndex;
        return this;
    }

    /** Marks the packet as injected (the data path copies {@link InjectedPacket#tag()} here on re-entry). */
    public PacketView injectionTag(InjectionTag t) { this.tag = t; return this; }

    /**
     * Marks an inbound transport-layer indication whose packet will also be classified at AUTH_RECV_ACCEPT (metadata
     * bit ALE_CLASSIFY_REQUIRED, §2.3): clones of it cannot be transport-receive injected (§4.2, check 47).
     */
    public PacketView aleClassifyRequired(boolean required) { this.aleClassifyRequired = required; return this; }

    /** True if the packet is flagged ALE_CLASSIFY_REQUIRED (see {@link #aleClassifyRequired(boolean)}). */
    public boolean aleClassifyRequired() { return aleClassifyRequired; }

    /** The injection tag, or null if the packet was not injected. */
    public InjectionTag injectionTag() { return tag; }

    /**
     * Sets the data path that owns this view (kept across {@link #set}): clones and references remember it and
     * {@link InjectedPacket#origin()} reports it, so an injection can be handed back to the packet thread the packet
     * came from. Opaque to the runtime.
     */
    public PacketView origin(Object o) { this.origin = o; return this; }

    /** The data path that owns this view, or null. */
    public Object origin() { return origin; }

    /** The underlying buffer (read-only by contract; never release it). */
    public ByteBuf buffer() { return buffer; }
    /** Absolute index of the current data start. */
    public int offset() { return offset; }
    /** Current data start measured from the IP header. */
    public int dataOffset() { return offset - ipStart; }
    /** Bytes from the current data start to the datagram end. */
    public int dataLength() { return end - offset; }
    /** Absolute index of the IP header. */
    public int ipStart() { return ipStart; }
    /** Bytes of the whole IP datagram. */
    public int ipLength() { return end - ipStart; }
    /** 4 or 6. */
    public int ipVersion() { return ipVersion; }
    /** IP header bytes ({@code ipHeaderSize} metadata). */
    public int ipHeaderSize() { return ipHeaderSize; }
    /** Transport header bytes ({@code transportHeaderSize} metadata). */
    public int transportHeaderSize() { return transportHeaderSize; }
    /** IP protocol number. */
    public int transportProtocol() { return transportProtocol; }
    /** {@link Direction#INBOUND} or {@link Direction#OUTBOUND}. */
    public int direction() { return direction; }
    /** Arrival interface index. */
    public int interfaceIndex() { return interfaceIndex; }
    /** Arrival sub-interface index. */
    public int subInterfaceIndex() { return subInterfaceIndex; }

    /** Moves the data start back by {@code n} bytes (toward the IP header). */
    public void retreat(int n) {
        if (n < 0 || offset - n < ipStart) throw new IndexOutOfBoundsException("retreat " + n + " past the IP header");
        offset -= n;
    }

    /** Moves the data start forward by {@code n} bytes. */
    public void advance(int n) {
        if (n < 0 || offset + n > end) throw new IndexOutOfBoundsException("advance " + n + " past the end");
        offset += n;
    }

    void restoreOffset(int absolute) { offset = absolute; }

    /** Unsigned byte at {@code i} bytes from the data start. */
    public int getUnsignedByte(int i) { return buffer.getUnsignedByte(index(i, 1)); }
    /** Big-endian unsigned short at {@code i} bytes from the data start. */
    public int getUnsignedShort(int i) { return buffer.getUnsignedShort(index(i, 2)); }
    /** Big-endian int at {@code i} bytes from the data start. */
    public int getInt(int i) { return buffer.getInt(index(i, 4)); }
    /** Copies {@code dst.length} bytes from {@code i} bytes after the data start. */
    public void getBytes(int i, byte[] dst) { buffer.getBytes(index(i, dst.length), dst); }

    private int index(int i, int len) {
        if (i < 0 || offset + i + len > end) throw new IndexOutOfBoundsException(i + "+" + len + " outside layer data");
        return offset + i;
    }

    /**
     * A clone (FwpsAllocateCloneNetBufferList): shares the bytes, holds one reference on the buffer, inherits the
     * current data offset and injection tag. Free it with {@link PacketClone#free()} (normally in the injection
     * completion).
     */
    public PacketClone clone() {
        return new PacketClone(buffer.retainedSlice(ipStart, end - ipStart), true, layout(), offset - ipStart);
    }

    /** A private deep copy (a new buffer from {@code alloc}) that callouts may modify and keep as long as needed. */
    public PacketClone deepCopy(ByteBufAllocator alloc) {
        ByteBuf copy = alloc.buffer(end - ipStart);
        copy.writeBytes(buffer, ipStart, end - ipStart);
        return new PacketClone(copy, false, layout(), offset - ipStart);
    }

    /**
     * A reference (FwpsReferenceNetBufferList): keeps the packet alive after classify returns. With
     * {@code intendToModify} the callout must also clear WRITE in its classify-out (§2.4).
     */
    public PacketReference reference(boolean intendToModify) {
        return new PacketReference(buffer.retain(), ipStart, end, offset - ipStart, layout(), intendToModify);
    }

    PacketLayout layout() {
        return new PacketLayout(ipVersion, ipHeaderSize, transportProtocol, transportHeaderSize, direction, interfaceIndex,
                subInterfaceIndex, tag, origin, aleClassifyRequired);
    }

    @Override public String toString() {
        return "PacketView(v" + ipVersion + ", proto " + transportProtocol + ", data " + dataOffset() + "+" + dataLength()
                + (tag != null ? ", " + tag : "") + ")";
    }
}
