package io.calloutd.gso;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.testing.packets.Bufs;
import io.calloutd.testing.packets.TestPackets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;

/** Software TSO checked segment by segment with pcap4j as the oracle. */
class TcpSegmenterTest {
    private static final int MSS = 1448;
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;
    private static final int FIN = 0x01;

    static Stream<Arguments> cases() {
        List<Arguments> l = new ArrayList<>();
        for (boolean v6 : new boolean[] {false, true}) {
            for (boolean options : new boolean[] {false, true}) {
                for (boolean direct : new boolean[] {false, true}) {
                    l.add(Arguments.of(v6, options, false, direct, 20_000, ACK | PSH | FIN | SuperFrames.CWR));
                }
            }
        }
        l.add(Arguments.of(true, true, true, true, 20_000, ACK | PSH));
        l.add(Arguments.of(false, true, false, true, 2 * MSS, ACK | FIN));
        l.add(Arguments.of(false, false, false, true, 1000, ACK | PSH | FIN | SuperFrames.CWR));
        l.add(Arguments.of(true, false, false, false, 64_000, ACK | SuperFrames.ECE | SuperFrames.CWR));
        return l.stream();
    }

    @ParameterizedTest(name = "v6={0} tcpOptions={1} v6Ext={2} direct={3} payload={4} flags={5}")
    @MethodSource("cases")
    void segmentsMatchPcap4j(boolean v6, boolean tcpOptions, boolean v6Ext, boolean direct, int payloadLength,
                             int flags) throws Exception {
        Random r = new Random(payloadLength * 31L + flags + (v6 ? 7 : 0) + (tcpOptions ? 3 : 0));
        byte[] payload = TestPackets.bytes(r, payloadLength);
        int seq = 0xFFFFF000; // wraps within the frame
        byte[] raw = SuperFrames.tcp(r, v6, tcpOptions, v6Ext, flags, payload, seq);
        TcpPacket original = TestPackets.parse(raw).get(TcpPacket.class);
        assertThat(raw[raw.length - payloadLength - original.getHeader().length() + 13] & 0xFF).isEqualTo(flags);

        ByteBuf buf = Bufs.of(raw, direct, 3, 5);
        ParsedPacket parsed = new ParsedPacket();
        assertThat(new PacketParser().parse(buf, parsed)).isNull();
        List<ByteBuf> segs = new ArrayList<>();
        TcpSegmenter segmenter = new TcpSegmenter(PooledByteBufAllocator.DEFAULT, VnetHeader.SIZE);
        try {
            assertThat(segmenter.segment(parsed, MSS, (s, i, n) -> {
                assertThat(i).isEqualTo(segs.size());
                segs.add(s);
            })).isNull();
            int expectedCount = (payloadLength + MSS - 1) / MSS;
            assertThat(segs).hasSize(expectedCount);
            int headerLength = parsed.payloadOffset() - parsed.networkOffset();
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (int i = 0; i < segs.size(); i++) {
                ByteBuf s = segs.get(i);
                assertThat(s.readerIndex()).isEqualTo(VnetHeader.SIZE);
                int len = Math.min(MSS, payloadLength - i * MSS);
                assertThat(s.readableBytes()).isEqualTo(headerLength + len);
                byte[] bytes = ByteBufUtil.getBytes(s);
                Packet ip = TestPackets.parse(bytes);
                TcpPacket tcp = ip.get(TcpPacket.class);
                TcpPacket.TcpHeader th = tcp.getHeader();
                if (v6) {
                    IpV6Packet.IpV6Header h = ((IpV6Packet) ip).getHeader();
                    assertThat(h.getPayloadLengthAsInt()).isEqualTo(bytes.length - 40);
                    assertThat(tcp.hasValidChecksum(h.getSrcAddr(), h.getDstAddr(), false)).isTrue();
                } else {
                    IpV4Packet.IpV4Header h = ((IpV4Packet) ip).getHeader();
                    assertThat(h.getTotalLengthAsInt()).isEqualTo(bytes.length);
                    assertThat(h.getIdentificationAsInt()).isEqualTo((0xFFF0 + i) & 0xFFFF);
                    assertThat(h.hasValidChecksum(false)).isTrue();
                    assertThat(h.getDontFragmentFlag()).isTrue();
                    assertThat(tcp.hasValidChecksum(h.getSrcAddr(), h.getDstAddr(), false)).isTrue();
                }
                assertThat(th.getSequenceNumber()).isEqualTo(seq + i * MSS);
                assertThat(th.getAcknowledgmentNumber()).isEqualTo(original.getHeader().getAcknowledgmentNumber());
                assertThat(th.getOptions()).isEqualTo(original.getHeader().getOptions());
                assertThat(th.getWindow()).isEqualTo(original.getHeader().getWindow());
                boolean last = i == segs.size() - 1;
                int f = bytes[bytes.length - len - th.length() + 13] & 0xFF;
                int expected = flags;
                if (!last) {
                    expected &= ~(PSH | FIN);
                }
                if (i > 0) {
                    expected &= ~SuperFrames.CWR;
                }
                assertThat(f).as("flags of segment %d", i).isEqualTo(expected);
                assertThat(th.getFin()).isEqualTo(last && (flags & FIN) != 0);
                byte[] p = tcp.getPayload().getRawData();
                assertThat(p).hasSize(len);
                joined.write(p);
            }
            assertThat(joined.toByteArray()).isEqualTo(payload);
        } finally {
            segs.forEach(ByteBuf::release);
            buf.release();
        }
    }

    @Test
    void tooManySegmentsAllocatesNothing() {
        Random r = new Random(1);
        ByteBuf buf = Bufs.of(SuperFrames.tcp(r, false, false, false, ACK, TestPackets.bytes(r, 5000), 1), true);
        ParsedPacket parsed = new ParsedPacket();
        assertThat(new PacketParser().parse(buf, parsed)).isNull();
        List<ByteBuf> segs = new ArrayList<>();
        TcpSegmenter s = new TcpSegmenter(PooledByteBufAllocator.DEFAULT, 0, 4);
        assertThat(s.segment(parsed, 1000, (b, i, n) -> segs.add(b))).isEqualTo(GsoDropReason.TOO_MANY_SEGMENTS);
        assertThat(s.segment(parsed, 0, (b, i, n) -> segs.add(b))).isEqualTo(GsoDropReason.GSO_SIZE_ZERO);
        assertThat(new UdpSegmenter(PooledByteBufAllocator.DEFAULT, 0).segment(parsed, 1000, (b, i, n) -> segs.add(b)))
                .isEqualTo(GsoDropReason.GSO_TYPE_MISMATCH);
        assertThat(segs).isEmpty();
        assertThat(s.segment(parsed, 1250, (b, i, n) -> segs.add(b))).isNull();
        assertThat(segs).hasSize(4);
        segs.forEach(ByteBuf::release);
        buf.release();
    }
}
