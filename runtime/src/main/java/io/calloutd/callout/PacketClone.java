package io.calloutd.callout;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * A clone or deep copy of a packet (the cloned-NBL analogue, §3.4). Its bytes are the concatenation of its segments'
 * readable bytes, starting at the IP header; {@link #dataOffset()} is the current data start. A clone created by
 * {@link PacketView#clone()} shares the original's bytes and holds one reference on them; to modify it, replace a
 * segment with a private copy ({@link #replaceSegment}) and put the original back before {@link #free()} — freeing a
 * clone whose segment list differs from the one it was created with throws {@link CloneLayoutException} (check 36).
 * Segments a callout inserts stay owned (and released) by the callout.
 */
public final class PacketClone {
    private final List<ByteBuf> segments = new ArrayList<>(1);
    private final ByteBuf[] created;
    private final boolean shared;
    private final PacketLayout layout;
    private int dataOffset;
    private boolean freed;

    PacketClone(ByteBuf first, boolean shared, PacketLayout layout, int dataOffset) {
        segments.add(first);
        this.created = new ByteBuf[] {first};
        this.shared = shared;
        this.layout = layout;
        this.dataOffset = dataOffset;
    }

    /** True if the bytes are shared with the original packet (read-only); false for a deep copy. */
    public boolean isShared() { return shared; }
    /** True once freed. */
    public synchronized boolean isFreed() { return freed; }
    /** 4 or 6. */
    public int ipVersion() { return layout.ipVersion(); }
    /** IP header bytes at clone time. */
    public int ipHeaderSize() { return layout.ipHeaderSize(); }
    /** Transport header bytes at clone time. */
    public int transportHeaderSize() { return layout.transportHeaderSize(); }
    /** IP protocol number. */
    public int transportProtocol() { return layout.transportProtocol(); }
    /** Direction of the original. */
    public int direction() { return layout.direction(); }
    /** Arrival interface of the original (use it for receive injection). */
    public int interfaceIndex() { return layout.interfaceIndex(); }
    /** Arrival sub-interface of the original. */
    public int subInterfaceIndex() { return layout.subInterfaceIndex(); }
    /** The injection tag the original carried (kept so earlier injectors stay visible, §4.3). */
    public InjectionTag injectionTag() { return layout.tag(); }
    /** True if cloned from an indication flagged ALE_CLASSIFY_REQUIRED: not transport-receive injectable (§4.2). */
    public boolean aleClassifyRequired() { return layout.aleClassifyRequired(); }
    /** The data path the original came from ({@link PacketView#origin()}), or null. */
    public Object origin() { return layout.origin(); }

    /** Current data start, in bytes from the IP header. */
    public synchronized int dataOffset() { return dataOffset; }
    /** Moves the data start back by {@code n} bytes. */
    public synchronized void retreat(int n) {
        if (n < 0 || n > dataOffset) throw new IndexOutOfBoundsException("retreat " + n + " past the IP header");
        dataOffset -= n;
    }
    /** Moves the data start forward by {@code n} bytes. */
    public synchronized void advance(int n) {
        if (n < 0 || dataOffset + n > length()) throw new IndexOutOfBoundsException("advance " + n + " past the end");
        dataOffset += n;
    }

    /** Total bytes from the IP header to the end. */
    public synchronized int length() {
        int n = 0;
        for (ByteBuf b : segments) n += b.readableBytes();
        return n;
    }

    /** Number of segments. */
    public synchronized int segmentCount() { return segments.size(); }

    /** Segment {@code i}: read-only if it is shared with the original. */
    public synchronized ByteBuf segment(int i) {
        check();
        ByteBuf b = segments.get(i);
        return shared && b == created[0] ? b.asReadOnly() : b;
    }

    /** The first segment for writing; only for a deep copy (shared bytes must never be written, §3.4). */
    public synchronized ByteBuf writable() {
        check();
        if (shared) throw new IllegalStateException("clone shares the original's bytes: replace the segment with a private copy");
        return segments.get(0);
    }

    /** Replaces segment {@code i} and returns the previous one, which the callout must put back before freeing. */
    public synchronized ByteBuf replaceSegment(int i, ByteBuf replacement) {
        check();
        return segments.set(i, java.util.Objects.requireNonNull(replacement));
    }

    /** Unlinks segment {@code i} and returns it (relink before freeing). */
    public synchronized ByteBuf removeSegment(int i) {
        check();
        return segments.remove(i);
    }

    /** Inserts a segment at {@code i}. */
    public synchronized void insertSegment(int i, ByteBuf segment) {
        check();
        segments.add(i, java.util.Objects.requireNonNull(segment));
    }

    /** True if the segment list is exactly the one the clone was created with. */
    public synchronized boolean layoutRestored() {
        if (segments.size() != created.length) return false;
        for (int i = 0; i < created.length; i++) if (segments.get(i) != created[i]) return false;
        return true;
    }

    /**
     * Frees the clone (FwpsFreeCloneNetBufferList): verifies the layout, then drops the clone's reference.
     *
     * @throws CloneLayoutException if the segment list was changed and not restored (the clone stays usable)
     * @throws IllegalStateException if already freed
     */
    public synchronized void free() {
        check();
        if (!layoutRestored()) {
            throw new CloneLayoutException("clone freed with a changed segment list: " + segments.size()
                    + " segment(s), created with " + created.length + "; restore the original segments first");
        }
        freed = true;
        for (ByteBuf b : created) b.release();
    }

    /**
     * A new buffer with its own reference, holding the bytes from {@code from} (bytes after the IP header) to the
     * end; the caller releases it. Shares memory with the segments.
     */
    synchronized ByteBuf retainedBytesFrom(int from) {
        check();
        List<ByteBuf> parts = new ArrayList<>(segments.size());
        int skip = from;
        for (ByteBuf b : segments) {
            int n = b.readableBytes();
            if (skip >= n) { skip -= n; continue; }
            parts.add(b.retainedSlice(b.readerIndex() + skip, n - skip));
            skip = 0;
        }
        if (parts.size() == 1) return parts.get(0);
        CompositeByteBuf c = Unpooled.compositeBuffer(Math.max(2, parts.size()));
        c.addComponents(true, parts);
        return c;
    }

    private void check() {
        if (freed) throw new IllegalStateException("clone already freed");
    }

    @Override public synchronized String toString() {
        return "PacketClone(" + (shared ? "shared" : "copy") + ", " + segments.size() + " seg, data " + dataOffset + "/" + length()
                + (freed ? ", freed" : "") + ")";
    }

}
