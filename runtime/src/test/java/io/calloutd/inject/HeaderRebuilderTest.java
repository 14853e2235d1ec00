package io.calloutd.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.testing.fragments.TrackingAllocator;
import io.calloutd.testing.packets.TestPackets;
import io.calloutd.testing.packets.TestPackets.Ext;
import io.calloutd.testing.packets.TestPackets.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IpPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UdpPacket;

/**
 * Every packet shape comes out as one direct run at an 8-aligned address, byte-identical (checksums included),
 * and nothing is leaked. The bytes are checked against the original and re-parsed with pcap4j as an
 * independent reader of the headers.
 */
class HeaderRebuilderTest {
    private final Random rnd = new Random(11);
    private final TrackingAllocator alloc = new TrackingAllocator();
    private final HeaderRebuilder rebuilder = new HeaderRebuilder();

    private final byte[] tcp4 = TestPackets.ipv4(rnd, Transport.TCP, true, 300);
    private final byte[] udp6 = TestPackets.ipv6(rnd, Transport.UDP, List.of(Ext.HOP_BY_HOP, Ext.DESTINATION_OPTIONS), 500);

    @Test
    void alignedDirectPacketIsPassedThroughWithoutCopy() {
        ByteBuf base = alloc.directBuffer(tcp4.length + 16);
        int lead = misalignment(base, 0) == 0 ? 0 : 8 - misalignment(base, 0);
        base.writerIndex(lead).writeBytes(tcp4).readerIndex(lead);
        try {
            assertThat(HeaderRebuilder.needsRebuild(base)).isFalse();
            assertThat(rebuilder.rebuild(base)).isSameAs(base);
            assertThat(rebuilder.passThroughs()).isEqualTo(1);
            assertThat(rebuilder.copies()).isZero();
        } finally {
            base.release();
        }
        alloc.assertAllReleased();
    }

    @Test
    void directPacketAtEveryMisalignedOffsetIsCopiedAligned() {
        for (byte[] packet : List.of(tcp4, udp6)) {
            for (int offset = 0; offset < 8; offset++) {
                ByteBuf base = alloc.directBuffer(packet.length + 8);
                base.writerIndex(offset).writeBytes(packet).readerIndex(offset);
                try {
                    boolean misaligned = misalignment(base, offset) != 0;
                    assertThat(HeaderRebuilder.needsRebuild(base)).as("offset %d", offset).isEqualTo(misaligned);
                    assertRebuilt(base, packet);
                    assertThat(base.readerIndex()).as("input indices untouched").isEqualTo(offset);
                } finally {
                    base.release();
                }
            }
        }
        alloc.assertAllReleased();
    }

    @Test
    void sliceAtOddOffsetIsCopiedAligned() {
        ByteBuf base = alloc.directBuffer(tcp4.length + 16);
        base.writeZero(3).writeBytes(tcp4);
        ByteBuf slice = base.slice(3, tcp4.length);
        try {
            assertThat(slice.memoryAddress() % 8).as("slice starts off the 8-byte grid").isNotZero();
            assertThat(HeaderRebuilder.needsRebuild(slice)).isTrue();
            assertRebuilt(slice, tcp4);
        } finally {
            base.release();
        }
        alloc.assertAllReleased();
    }

    @Test
    void heapPacketIsCopiedAligned() {
        ByteBuf heap = alloc.heapBuffer(udp6.length).writeBytes(udp6);
        try {
            assertThat(HeaderRebuilder.needsRebuild(heap)).isTrue();
            assertRebuilt(heap, udp6);
        } finally {
            heap.release();
        }
        alloc.assertAllReleased();
    }

    /** Splits inside the IP header, at its end, inside the transport header and in the payload. */
    @Test
    void compositeWithHeadersSplitAcrossComponentsIsCopiedAligned() {
        int[][] splits = {{7}, {20}, {20 + 16 + 5}, {3, 21, 30, 200}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 45}};
        for (byte[] packet : List.of(tcp4, udp6)) {
            for (int[] cuts : splits) {
                CompositeByteBuf composite = composite(packet, cuts);
                try {
                    assertThat(HeaderRebuilder.needsRebuild(composite)).isTrue();
                    assertRebuilt(composite, packet);
                } finally {
                    composite.release();
                }
            }
        }
        alloc.assertAllReleased();
    }

    @Test
    void packetLargerThanTheScratchGrowsItOnceAndStaysAligned() {
        HeaderRebuilder small = new HeaderRebuilder(100);
        ByteBuf heap = alloc.heapBuffer(tcp4.length).writeBytes(tcp4);
        try {
            for (int i = 0; i < 3; i++) {
                ByteBuf out = small.rebuild(heap);
                assertThat(isAligned(out)).isTrue();
                assertThat(ByteBufUtil.getBytes(out)).isEqualTo(tcp4);
            }
            assertThat(small.scratchGrowths()).isEqualTo(1);
        } finally {
            heap.release();
        }
        alloc.assertAllReleased();
    }

    @Test
    void scratchSurvivesAnAccidentalRelease() {
        ByteBuf heap = alloc.heapBuffer(tcp4.length).writeBytes(tcp4);
        try {
            ByteBuf out = rebuilder.rebuild(heap);
            assertThat(out.release()).isFalse();
            assertThat(ByteBufUtil.getBytes(rebuilder.rebuild(heap))).isEqualTo(tcp4);
        } finally {
            heap.release();
        }
    }

    private void assertRebuilt(ByteBuf in, byte[] expected) {
        ByteBuf out = rebuilder.rebuild(in);
        assertThat(out.isDirect()).isTrue();
        assertThat(out.hasMemoryAddress()).as("one contiguous native run").isTrue();
        assertThat(out.nioBufferCount()).isEqualTo(1);
        assertThat(isAligned(out)).as("address %x", out.memoryAddress() + out.readerIndex()).isTrue();
        assertThat(HeaderRebuilder.needsRebuild(out)).isFalse();
        assertThat(ByteBufUtil.getBytes(out)).as("byte-identical, checksums included").isEqualTo(expected);
        assertTransportHeaderReadable(ByteBufUtil.getBytes(out), expected);
    }

    /** pcap4j reads the same IP and transport headers (ports, checksum field) from the rebuilt bytes. */
    private static void assertTransportHeaderReadable(byte[] rebuilt, byte[] original) {
        IpPacket a = (IpPacket) TestPackets.parse(rebuilt);
        IpPacket b = (IpPacket) TestPackets.parse(original);
        assertThat(a.getHeader().getRawData()).isEqualTo(b.getHeader().getRawData());
        if (a instanceof IpV4Packet) {
            assertThat(a.get(TcpPacket.class).getHeader().getChecksum())
                    .isEqualTo(b.get(TcpPacket.class).getHeader().getChecksum());
        } else {
            assertThat(a.get(UdpPacket.class).getHeader().getChecksum())
                    .isEqualTo(b.get(UdpPacket.class).getHeader().getChecksum());
        }
    }

    private CompositeByteBuf composite(byte[] packet, int[] cuts) {
        CompositeByteBuf c = alloc.compositeBuffer(cuts.length + 1);
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : packet.length;
            // Alternate heap and direct components, the direct ones behind one byte of headroom.
            ByteBuf part = i % 2 == 0 ? alloc.heapBuffer(to - from) : alloc.directBuffer(to - from + 1).writeZero(1).skipBytes(1);
            part.writeBytes(packet, from, to - from);
            c.addComponent(true, part);
            from = to;
        }
        return c;
    }

    private static int misalignment(ByteBuf direct, int index) {
        return (int) ((direct.memoryAddress() + index) & 7);
    }

    private static boolean isAligned(ByteBuf b) {
        return (b.memoryAddress() + b.readerIndex()) % 8 == 0;
    }
}
