package io.calloutd.stream;

import io.calloutd.engine.Filter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.UUID;

/**
 * One sublayer of a stream's waterfall (§1.6.5): the matching filters of that sublayer, in weight order, and the bytes
 * that reached it but were not yet permitted or blocked (indicated and answered NEED_MORE_DATA, deferred, or not yet
 * indicated). Upstream stages and injections append here; packet thread only.
 */
final class StreamStage implements StreamSink {
    final Filter[] filters;
    private final ByteBufAllocator alloc;
    private final int maxCapacity;
    private ByteBuf buf;
    /** Bytes higher sublayers blocked since this stage's previous indication. */
    long missed;
    /** With a pending NEED_MORE_DATA: bytes the next indication needs; else 0. */
    int required;
    boolean deferred;
    boolean allowAll;
    /** Upstream delivered a FIN after the bytes in {@link #buf}. */
    boolean finIn;
    /** The FIN was indicated here and decided. */
    boolean finDone;

    StreamStage(Filter[] filters, ByteBufAllocator alloc, int maxCapacity) {
        this.filters = filters;
        this.alloc = alloc;
        this.maxCapacity = maxCapacity;
    }

    /** True if a filter of this stage invokes callout {@code key}. */
    boolean hasCallout(UUID key) {
        for (Filter f : filters) {
            if (key.equals(f.calloutKey())) return true;
        }
        return false;
    }

    int available() {
        return buf == null ? 0 : buf.readableBytes();
    }

    /** Pending bytes; valid while none are appended. */
    ByteBuf buffer() {
        return buf;
    }

    void consume(int n) {
        buf.skipBytes(n);
        if (buf.readerIndex() > 65536 && buf.readerIndex() > buf.writerIndex() / 2) {
            buf.discardReadBytes(); // keep the buffer from creeping: compact when mostly consumed
        }
    }

    private ByteBuf ensure(int extra) {
        if (buf == null) buf = alloc.directBuffer(Math.max(4096, extra), maxCapacity);
        return buf;
    }

    @Override
    public void bytes(ByteBuf src, int index, int length) {
        if (length > 0) ensure(length).writeBytes(src, index, length);
    }

    @Override
    public void bytes(byte[] src, int offset, int length) {
        if (length > 0) ensure(length).writeBytes(src, offset, length);
    }

    @Override
    public void disconnect() {
        finIn = true;
    }

    void release() {
        if (buf != null) {
            buf.release();
            buf = null;
        }
    }
}
