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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.UdpPacket;

/** Software USO checked with pcap4j. */
class UdpSegmenterTest {

    @ParameterizedTest(name = "v6={0} payload={1} gso={2}")
    @CsvSource({"false,10000,1400", "true,10000,1400", "false,1400,1400", "true,63000,1232", "false,7,1400"})
    void datagramsMatchPcap4j(boolean v6, int payloadLength, int gsoSize) throws Exception {
        Random r = new Random(payloadLength + gsoSize);
        byte[] payload = TestPackets.bytes(r, payloadLength);
        ByteBuf buf = Bufs.of(SuperFrames.udp(r, v6, payload), true, 1, 0);
        ParsedPacket parsed = new ParsedPacket();
        assertThat(new PacketParser().parse(buf, parsed)).isNull();
        List<ByteBuf> segs = new ArrayList<>();
        try {
            assertThat(new UdpSegmenter(PooledByteBufAllocator.DEFAULT, 0).segment(parsed, gsoSize,
                    (s, i, n) -> segs.add(s))).isNull();
            assertThat(segs).hasSize((payloadLength + gsoSize - 1) / gsoSize);
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (int i = 0; i < segs.size(); i++) {
                byte[] bytes = ByteBufUtil.getBytes(segs.get(i));
                Packet ip = TestPackets.parse(bytes);
                UdpPacket udp = ip.get(UdpPacket.class);
                int len = Math.min(gsoSize, payloadLength - i * gsoSize);
                assertThat(udp.getHeader().getLengthAsInt()).isEqualTo(8 + len);
                if (v6) {
                    IpV6Packet.IpV6Header h = ((IpV6Packet) ip).getHeader();
                    assertThat(h.getPayloadLengthAsInt()).isEqualTo(8 + len);
                    assertThat(udp.hasValidChecksum(h.getSrcAddr(), h.getDstAddr(), false)).isTrue();
                } else {
                    IpV4Packet.IpV4Header h = ((IpV4Packet) ip).getHeader();
                    assertThat(h.getTotalLengthAsInt()).isEqualTo(bytes.length);
                    assertThat(h.getIdentificationAsInt()).isEqualTo((0xFFF0 + i) & 0xFFFF);
                    assertThat(h.hasValidChecksum(false)).isTrue();
                    assertThat(udp.hasValidChecksum(h.getSrcAddr(), h.getDstAddr(), false)).isTrue();
                }
                joined.write(udp.getPayload().getRawData());
            }
            assertThat(joined.toByteArray()).isEqualTo(payload);
        } finally {
            segs.forEach(ByteBuf::release);
            buf.release();
        }
    }
}
