package io.calloutd.inject;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

/**
 * Makes a packet injectable as one contiguous run of memory whose first byte (the IP header) sits at an
 * 8-byte-aligned address, so the IP header and the full transport header that follows it are contiguous and
 * aligned whatever shape the packet arrived in: a {@code CompositeByteBuf} with the headers split across
 * components, a slice at an odd offset, a heap buffer, or a pooled direct buffer at an unaligned offset (Netty
 * guarantees no alignment inside its chunks).
 *
 * <p>A packet that already qualifies ({@link #needsRebuild} false) is returned as is, without copying. Any
 * other packet is copied byte for byte (checksums untouched) into a per-instance aligned scratch buffer that
 * is reused by the next call, so the steady state allocates nothing.
 *
 * <p>Contract: single-threaded (one instance per packet thread). The buffer returned by {@link #rebuild} is
 * only valid until the next {@code rebuild} call on the same instance; inject it (the kernel copies on write)
 * before rebuilding the next packet. The returned scratch buffer is never to be released (release is a no-op
 * on it), and the input packet stays owned by the caller either way.
 */
public final class HeaderRebuilder {
    /** Byte boundary the packet's first byte (its IP header) is placed on. */
    public static final int ALIGNMENT = 8;
    /** Scratch capacity: the largest IPv4 packet or IPv6 packet without jumbogram, rounded up to the alignment. */
    public static final int DEFAULT_CAPACITY = align(65_535 + 40);

    private ByteBuf scratch;
    private long copies;
    private long passThroughs;
    private long scratchGrowths;

    /** A rebuilder whose scratch holds any non-jumbo IP packet. */
    public HeaderRebuilder() {
        this(DEFAULT_CAPACITY);
    }

    /**
     * @param capacity initial scratch size in bytes; a larger packet grows the scratch once (counted in
     *                 {@link #scratchGrowths()}), after which it is reused
     */
    public HeaderRebuilder(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.scratch = allocateAligned(align(capacity));
    }

    /**
     * Cheap check, no allocation: true unless the readable bytes are one contiguous direct run whose first byte's
     * address is a multiple of {@link #ALIGNMENT}.
     */
    public static boolean needsRebuild(ByteBuf packet) {
        // hasMemoryAddress is false for heap buffers and for composites of more than one component; a slice
        // reports its own (offset) address, so the reader index is the only adjustment left.
        if (!packet.isDirect() || !packet.hasMemoryAddress()) {
            return true;
        }
        return ((packet.memoryAddress() + packet.readerIndex()) & (ALIGNMENT - 1)) != 0;
    }

    /**
     * Returns {@code packet} itself when it needs no rebuild, otherwise an aligned copy of its readable bytes in
     * the scratch buffer (reader index 0, writer index = length), valid until the next call. The input's indices
     * are not changed.
     */
    public ByteBuf rebuild(ByteBuf packet) {
        if (!needsRebuild(packet)) {
            passThroughs++;
            return packet;
        }
        int length = packet.readableBytes();
        if (length > scratch.capacity()) {
            scratch = allocateAligned(align(length));
            scratchGrowths++;
        }
        ByteBuf out = scratch.clear();
        out.writeBytes(packet, packet.readerIndex(), length);
        copies++;
        return out;
    }

    /** Packets copied into the scratch buffer. */
    public long copies() {
        return copies;
    }

    /** Packets that already qualified and were returned without a copy. */
    public long passThroughs() {
        return passThroughs;
    }

    /** Times a packet larger than the scratch forced a bigger one (an allocation). */
    public long scratchGrowths() {
        return scratchGrowths;
    }

    private static ByteBuf allocateAligned(int capacity) {
        // alignedSlice gives a view whose first byte's native address is a multiple of ALIGNMENT; the extra
        // bytes are the most it can skip. Unreleasable: callers cannot free the scratch out from under us.
        ByteBuffer aligned = ByteBuffer.allocateDirect(capacity + ALIGNMENT - 1).alignedSlice(ALIGNMENT);
        aligned.limit(capacity);
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(aligned));
    }

    private static int align(int n) {
        return (n + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
