package io.calloutd.testing.packets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * Copies packet bytes into heap or direct Netty buffers, optionally behind some headroom (so that
 * absolute offsets differ from 0 and may be odd) and with trailing garbage. Callers release.
 */
public final class Bufs {
    private static final ByteBufAllocator POOLED = PooledByteBufAllocator.DEFAULT;
    private static final ByteBufAllocator UNPOOLED = UnpooledByteBufAllocator.DEFAULT;

    private Bufs() {}

    /** Buffer holding exactly {@code data} at reader index 0. */
    public static ByteBuf of(byte[] data, boolean direct) {
        return of(data, direct, 0, 0);
    }

    /**
     * Buffer with {@code headroom} 0xEE bytes, then {@code data} (reader index at its start), then
     * {@code trailing} 0xDD bytes that are readable (as a TUN read would never give, but a
     * too-long buffer might).
     */
    public static ByteBuf of(byte[] data, boolean direct, int headroom, int trailing) {
        ByteBufAllocator alloc = headroom % 2 == 0 ? POOLED : UNPOOLED;
        int cap = headroom + data.length + trailing;
        ByteBuf b = direct ? alloc.directBuffer(cap) : alloc.heapBuffer(cap);
        for (int i = 0; i < headroom; i++) {
            b.writeByte(0xEE);
        }
        b.writeBytes(data);
        for (int i = 0; i < trailing; i++) {
            b.writeByte(0xDD);
        }
        b.readerIndex(headroom);
        return b;
    }
}
