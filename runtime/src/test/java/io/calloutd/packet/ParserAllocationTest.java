package io.calloutd.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.checksum.PacketChecksums;
import io.calloutd.testing.packets.TestPackets;
import io.calloutd.testing.packets.TestPackets.Ext;
import io.calloutd.testing.packets.TestPackets.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Steady-state parse + checksum verify allocates nothing. */
class ParserAllocationTest {

    @Test
    void parseAndVerifyDoNotAllocate() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // Leak detection off for these buffers: the paranoid tracker itself allocates per access.
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true, true);
        Random r = new Random(5);
        byte[][] packets = {
            TestPackets.ipv4(r, Transport.TCP, true, 100),
            TestPackets.ipv6(r, Transport.UDP, List.of(Ext.HOP_BY_HOP, Ext.ROUTING, Ext.DESTINATION_OPTIONS), 100),
            TestPackets.ipv6(r, Transport.ICMP_ECHO, List.of(), 100),
        };
        ByteBuf[] bufs = new ByteBuf[packets.length];
        for (int i = 0; i < packets.length; i++) {
            bufs[i] = alloc.directBuffer(packets[i].length).writeBytes(packets[i]);
        }
        try {
            PacketParser parser = new PacketParser();
            ParsedPacket p = new ParsedPacket();
            DropCounters counters = new DropCounters();
            long sink = 0;
            for (int i = 0; i < 200_000; i++) { // warm-up so that JIT (escape analysis) settles
                sink += loop(parser, p, bufs[i % bufs.length], counters);
            }
            long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < 100_000; i++) {
                sink += loop(parser, p, bufs[i % bufs.length], counters);
            }
            long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            assertThat(sink).isNotZero();
            assertThat(counters.total()).isZero();
            // A few hundred bytes of noise (e.g. a JIT deopt) are tolerated; per-packet allocation is not.
            assertThat(allocated).isLessThan(10_000);
        } finally {
            for (ByteBuf b : bufs) {
                b.release();
            }
        }
    }

    private static long loop(PacketParser parser, ParsedPacket p, ByteBuf buf, DropCounters counters) {
        DropReason r = parser.parse(buf, p);
        if (r == null) {
            r = PacketChecksums.verifyAll(p);
        }
        if (r != null) {
            counters.increment(r);
            return 0;
        }
        return p.payloadLength() + p.transportOffset();
    }
}
