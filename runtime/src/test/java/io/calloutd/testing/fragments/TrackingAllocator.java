package io.calloutd.testing.fragments;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * Test allocator that remembers every buffer it hands out so a test can assert that all of them were
 * released (exact leak check, independent of Netty's sampling leak detector).
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {
    private static final UnpooledByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(true, true);
    private final List<ByteBuf> allocated = new ArrayList<>();
    private final UnpooledByteBufAllocator source;

    /** Direct buffers by default, like the pooled allocator used in production. */
    public TrackingAllocator() {
        this(UnpooledByteBufAllocator.DEFAULT);
    }

    private TrackingAllocator(UnpooledByteBufAllocator source) {
        super(true);
        this.source = source;
    }

    /**
     * Without Netty's leak detector on the buffers (for fuzzing: the paranoid tracker records a stack trace per
     * access and would slow the fuzzer to a crawl); the exact leak check here still applies.
     */
    public static TrackingAllocator untracked() {
        return new TrackingAllocator(UNTRACKED);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf b = source.heapBuffer(initialCapacity, maxCapacity);
        allocated.add(b);
        return b;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf b = source.directBuffer(initialCapacity, maxCapacity);
        allocated.add(b);
        return b;
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** A tracked direct buffer holding a copy of {@code bytes}. */
    public ByteBuf copyOf(byte[] bytes) {
        return directBuffer(bytes.length, bytes.length).writeBytes(bytes);
    }

    /** Buffers allocated so far. */
    public int allocatedCount() {
        return allocated.size();
    }

    /** Buffers not yet fully released. */
    public long outstanding() {
        return allocated.stream().filter(b -> b.refCnt() != 0).count();
    }

    /** Throws if any buffer handed out is still referenced. */
    public void assertAllReleased() {
        long n = outstanding();
        if (n != 0) {
            throw new AssertionError(n + " of " + allocated.size() + " buffers not released");
        }
    }

    /** Throws unless exactly {@code expected} buffers are still referenced (e.g. fragments still held). */
    public void assertAllReleasedExcept(long expected) {
        long n = outstanding();
        if (n != expected) {
            throw new AssertionError(n + " buffers still referenced, expected " + expected);
        }
    }
}
