package io.calloutd.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.testing.packets.TestPackets;
import io.calloutd.testing.packets.TestPackets.Ext;
import io.calloutd.testing.packets.TestPackets.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Steady-state rebuilding (composites, odd offsets, heap) allocates nothing: the aligned scratch is reused. */
class HeaderRebuilderAllocationTest {

    @Test
    void rebuildDoesNotAllocate() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // Leak detection off for these buffers: the paranoid tracker itself allocates per access.
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true, true);
        Random r = new Random(7);
        byte[] tcp4 = TestPackets.ipv4(r, Transport.TCP, true, 1200);
        byte[] udp6 = TestPackets.ipv6(r, Transport.UDP, List.of(Ext.HOP_BY_HOP), 1400);
        ByteBuf odd = alloc.directBuffer(tcp4.length + 1).writeZero(1).writeBytes(tcp4).skipBytes(1);
        ByteBuf heap = alloc.heapBuffer(udp6.length).writeBytes(udp6);
        CompositeByteBuf split = new CompositeByteBuf(alloc, true, 4)
                .addComponent(true, alloc.heapBuffer(30).writeBytes(tcp4, 0, 30))
                .addComponent(true, alloc.directBuffer(tcp4.length - 30).writeBytes(tcp4, 30, tcp4.length - 30));
        ByteBuf[] inputs = {odd, heap, split};
        try {
            HeaderRebuilder rebuilder = new HeaderRebuilder();
            long sink = 0;
            for (int i = 0; i < 200_000; i++) { // warm-up so that JIT (escape analysis) settles
                sink += rebuilder.rebuild(inputs[i % inputs.length]).getByte(9);
            }
            long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < 100_000; i++) {
                sink += rebuilder.rebuild(inputs[i % inputs.length]).getByte(9);
            }
            long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            assertThat(sink).isNotZero();
            assertThat(rebuilder.copies()).isEqualTo(300_000);
            assertThat(rebuilder.scratchGrowths()).isZero();
            // A few hundred bytes of noise (e.g. a JIT deopt) are tolerated; per-packet allocation is not.
            assertThat(allocated).isLessThan(10_000);
        } finally {
            for (ByteBuf b : inputs) {
                b.release();
            }
        }
    }
}
