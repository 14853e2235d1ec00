package io.calloutd.gso;

import static io.calloutd.nativebridge.VirtioNetHeader.FLAG_NEEDS_CSUM;
import static io.calloutd.nativebridge.VirtioNetHeader.GSO_ECN;
import static io.calloutd.nativebridge.VirtioNetHeader.GSO_NONE;
import static io.calloutd.nativebridge.VirtioNetHeader.GSO_TCPV4;
import static io.calloutd.nativebridge.VirtioNetHeader.GSO_TCPV6;
import static io.calloutd.nativebridge.VirtioNetHeader.GSO_UDP;
import static io.calloutd.nativebridge.VirtioNetHeader.GSO_UDP_L4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calloutd.packet.DropReason;
import io.calloutd.testing.packets.Bufs;
import io.calloutd.testing.packets.TestPackets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.TcpPacket;

/** Classification, header validation with exact reasons, checksum completion and write-back paths. */
class GsoFrameTest {
    private final Random r = new Random(42);
    private final GsoFrame frame = new GsoFrame(PooledByteBufAllocator.DEFAULT, VnetHeader.SIZE);
    private final List<ByteBuf> toRelease = new ArrayList<>();

    @AfterEach
    void release() {
        toRelease.forEach(ByteBuf::release);
    }

    private ByteBuf buf(byte[] b) {
        ByteBuf x = Bufs.of(b, true, 2, 0);
        toRelease.add(x);
        return x;
    }

    private byte[] tcp4(int payload) {
        return SuperFrames.tcp(r, false, true, false, 0x19, TestPackets.bytes(r, payload), 100);
    }

    private GsoDropReason wrapReason(byte[] packet, int flags, int type, int hdrLen, int gsoSize, int start, int off) {
        assertThat(frame.wrap(buf(SuperFrames.withHeader(packet, flags, type, hdrLen, gsoSize, start, off))))
                .isEqualTo(frame.dropReason() == null ? frame.kind() : GsoFrame.Kind.INVALID);
        return frame.dropReason();
    }

    @Test
    void malformedHeadersGiveExactReasons() {
        byte[] p = tcp4(3000); // 20 IP + 32 TCP + 3000
        int len = p.length;
        assertThat(frame.wrap(buf(new byte[9]))).isEqualTo(GsoFrame.Kind.INVALID);
        assertThat(frame.dropReason()).isEqualTo(GsoDropReason.VNET_HEADER_TRUNCATED);
        assertThat(wrapReason(p, 0, 2, 0, 1448, 0, 0)).isEqualTo(GsoDropReason.UNKNOWN_GSO_TYPE);
        assertThat(wrapReason(p, 0, 6, 0, 1448, 0, 0)).isEqualTo(GsoDropReason.UNKNOWN_GSO_TYPE);
        assertThat(wrapReason(p, 0, 0x7F, 0, 1448, 0, 0)).isEqualTo(GsoDropReason.UNKNOWN_GSO_TYPE);
        assertThat(wrapReason(p, 0, GSO_TCPV4, 52, 0, 0, 0)).isEqualTo(GsoDropReason.GSO_SIZE_ZERO);
        assertThat(wrapReason(p, FLAG_NEEDS_CSUM, GSO_TCPV4, 52, 1448, len, 16))
                .isEqualTo(GsoDropReason.CSUM_START_OUT_OF_PACKET);
        assertThat(wrapReason(p, FLAG_NEEDS_CSUM, GSO_NONE, 0, 0, 20, len - 21))
                .isEqualTo(GsoDropReason.CSUM_OFFSET_OUT_OF_PACKET);
        assertThat(wrapReason(p, FLAG_NEEDS_CSUM, GSO_NONE, 0, 0, 20, 0xFFFF))
                .isEqualTo(GsoDropReason.CSUM_OFFSET_OUT_OF_PACKET);
        assertThat(wrapReason(p, FLAG_NEEDS_CSUM, GSO_NONE, 0, 0, 20, 15)).isEqualTo(GsoDropReason.CSUM_OFFSET_MISALIGNED);
        assertThat(wrapReason(p, 0, GSO_TCPV4, len + 1, 1448, 0, 0)).isEqualTo(GsoDropReason.HDR_LEN_EXCEEDS_PACKET);
        // Plausible edge values are accepted.
        assertThat(wrapReason(p, FLAG_NEEDS_CSUM, GSO_TCPV4 | GSO_ECN, len, 1, 20, len - 22)).isNull();
        assertThat(frame.kind()).isEqualTo(GsoFrame.Kind.GSO);
        assertThat(frame.header().ecn()).isTrue();
        assertThat(frame.gsoType()).isEqualTo(GSO_TCPV4);
    }

    @Test
    void gsoTypeMustMatchThePacket() {
        byte[] v4 = tcp4(3000);
        byte[] v6 = SuperFrames.tcp(r, true, false, false, 0x10, TestPackets.bytes(r, 3000), 5);
        byte[] udp4 = SuperFrames.udp(r, false, TestPackets.bytes(r, 3000));
        List<ByteBuf> segs = new ArrayList<>();
        SegmentSink sink = (s, i, n) -> segs.add(s);
        assertThat(segmentReason(v6, GSO_TCPV4, sink)).isEqualTo(GsoDropReason.GSO_TYPE_MISMATCH);
        assertThat(segmentReason(v4, GSO_TCPV6, sink)).isEqualTo(GsoDropReason.GSO_TYPE_MISMATCH);
        assertThat(segmentReason(udp4, GSO_TCPV4, sink)).isEqualTo(GsoDropReason.GSO_TYPE_MISMATCH);
        assertThat(segmentReason(v4, GSO_UDP_L4, sink)).isEqualTo(GsoDropReason.GSO_TYPE_MISMATCH);
        assertThat(segmentReason(udp4, GSO_UDP, sink)).isEqualTo(GsoDropReason.UNSUPPORTED_GSO_TYPE);
        byte[] fragment = TestPackets.ipv4(r, TestPackets.Transport.TCP, false, 3000, 0, true);
        assertThat(segmentReason(fragment, GSO_TCPV4, sink)).isEqualTo(GsoDropReason.GSO_NOT_SEGMENTABLE);
        byte[] badIhl = v4.clone();
        badIhl[0] = 0x44;
        assertThat(segmentReason(badIhl, GSO_TCPV4, sink)).isEqualTo(GsoDropReason.MALFORMED_PACKET);
        assertThat(frame.packetDropReason()).isEqualTo(DropReason.IPV4_BAD_IHL);
        assertThat(segs).isEmpty();
        assertThat(segmentReason(udp4, GSO_UDP_L4, sink)).isNull();
        assertThat(segs).hasSize(3);
        segs.forEach(ByteBuf::release);
    }

    private GsoDropReason segmentReason(byte[] packet, int type, SegmentSink sink) {
        assertThat(frame.wrap(buf(SuperFrames.withHeader(packet, FLAG_NEEDS_CSUM, type, 0, 1000, 0, 0))))
                .isEqualTo(GsoFrame.Kind.GSO);
        return frame.segment(sink);
    }

    @Test
    void plainAndNeedsChecksumFrames() throws Exception {
        byte[] p = tcp4(500);
        ByteBuf plain = buf(SuperFrames.withHeader(p, 0, GSO_NONE, 0, 0, 0, 0));
        assertThat(frame.wrap(plain)).isEqualTo(GsoFrame.Kind.PLAIN);
        assertThat(ByteBufUtil.getBytes(frame.stripHeader())).isEqualTo(p);
        assertThat(frame.restoreHeader().readableBytes()).isEqualTo(p.length + VnetHeader.SIZE);
        assertThatThrownBy(() -> frame.segment((s, i, n) -> { })).isInstanceOf(IllegalStateException.class);

        int pseudo = PartialChecksumTest.pseudoHeaderSum(p, false, 6, p.length - 20);
        byte[] partial = p.clone();
        partial[36] = (byte) (pseudo >>> 8);
        partial[37] = (byte) pseudo;
        ByteBuf nc = buf(SuperFrames.withHeader(partial, FLAG_NEEDS_CSUM, GSO_NONE, 0, 0, 20, 16));
        assertThat(frame.wrap(nc)).isEqualTo(GsoFrame.Kind.NEEDS_CHECKSUM);
        assertThat(frame.completeChecksum()).isNull();
        assertThat(frame.header().needsChecksum()).isFalse();
        byte[] done = ByteBufUtil.getBytes(frame.stripHeader());
        IpV4Packet ip = IpV4Packet.newPacket(done, 0, done.length);
        assertThat(ip.get(TcpPacket.class).hasValidChecksum(ip.getHeader().getSrcAddr(), ip.getHeader().getDstAddr(),
                false)).isTrue();
        assertThat(done).isEqualTo(p);
    }

    @Test
    void headerFieldsAreLittleEndianAndPrependNoneZeroes() {
        ByteBuf b = buf(new byte[24]);
        VnetHeader h = new VnetHeader().wrap(b, 2);
        h.setFlags(FLAG_NEEDS_CSUM);
        h.setGsoType(GSO_TCPV6 | GSO_ECN);
        h.setHdrLen(0x0102);
        h.setGsoSize(1448);
        h.setCsumStart(40);
        h.setCsumOffset(16);
        assertThat(ByteBufUtil.hexDump(b, 2, 10)).isEqualTo("0184" + "0201" + "a805" + "2800" + "1000");
        assertThat(h.gsoType()).isEqualTo(GSO_TCPV6);
        assertThat(h.gsoTypeRaw()).isEqualTo(0x84);
        assertThat(h.hdrLen()).isEqualTo(0x0102);
        assertThat(h.gsoSize()).isEqualTo(1448);
        assertThat(h.csumStart()).isEqualTo(40);
        assertThat(h.csumOffset()).isEqualTo(16);
        b.readerIndex(12);
        assertThat(VnetHeader.prependNone(b)).isTrue();
        assertThat(b.readerIndex()).isEqualTo(2);
        assertThat(ByteBufUtil.hexDump(b, 2, 10)).isEqualTo("00000000000000000000");
        assertThat(VnetHeader.prependNone(b)).isFalse();
        assertThat(b.readerIndex()).isEqualTo(2);
    }

    @Test
    void segmentsCarryHeadroomForAVnetHeader() {
        byte[] p = tcp4(4000);
        assertThat(frame.wrap(buf(SuperFrames.withHeader(p, FLAG_NEEDS_CSUM, GSO_TCPV4, 52, 1448, 20, 16))))
                .isEqualTo(GsoFrame.Kind.GSO);
        List<ByteBuf> segs = new ArrayList<>();
        assertThat(frame.segment((s, i, n) -> segs.add(s))).isNull();
        assertThat(segs).hasSize(3);
        for (ByteBuf s : segs) {
            assertThat(VnetHeader.prependNone(s)).isTrue();
            assertThat(new VnetHeader().wrap(s, s.readerIndex()).validate(s.readableBytes() - 10)).isNull();
            assertThat(s.getByte(s.readerIndex() + VnetHeader.SIZE) >> 4).isEqualTo(4);
            s.release();
        }
    }
}
