package io.calloutd.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.packet.IpProtocols;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.testing.packets.Bufs;
import io.calloutd.testing.packets.TestPackets;
import io.calloutd.testing.packets.TestPackets.Transport;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RFC 768 / RFC 8200 zero-checksum rules for UDP. */
class UdpChecksumRulesTest {
    private final ParsedPacket p = new ParsedPacket();

    private ByteBuf udp(boolean v4) {
        Random r = new Random(v4 ? 1 : 2);
        byte[] raw = v4 ? TestPackets.ipv4(r, Transport.UDP, false, 16)
                : TestPackets.ipv6(r, Transport.UDP, List.of(), 16);
        ByteBuf buf = Bufs.of(raw, true);
        assertThat(new PacketParser().parse(buf, p)).isNull();
        return buf;
    }

    @Test
    void zeroChecksumMeansNoneOverIpv4() {
        ByteBuf buf = udp(true);
        try {
            p.udp().setChecksum(0);
            assertThat(TransportChecksums.verifyV4(buf, 0, IpProtocols.UDP, p.transportOffset(), p.transportLength())).isTrue();
            // An incremental update leaves "none" alone.
            IncrementalChecksum.adjustUdp32(buf, p.transportOffset() + 6, 1, 2);
            assertThat(p.udp().checksum()).isZero();
        } finally {
            buf.release();
        }
    }

    @Test
    void zeroChecksumIsInvalidOverIpv6() {
        ByteBuf buf = udp(false);
        try {
            p.udp().setChecksum(0);
            assertThat(TransportChecksums.verifyV6(buf, 0, IpProtocols.UDP, p.transportOffset(), p.transportLength())).isFalse();
        } finally {
            buf.release();
        }
    }

    @Test
    void computedZeroIsSentAsAllOnes() {
        for (boolean v4 : new boolean[] {true, false}) {
            ByteBuf buf = udp(v4);
            try {
                int l4 = p.transportOffset();
                int len = p.transportLength();
                int payloadWord = p.payloadOffset();
                buf.setShort(payloadWord, 0);
                int c = v4 ? TransportChecksums.computeV4(buf, 0, IpProtocols.UDP, l4, len)
                        : TransportChecksums.computeV6(buf, 0, IpProtocols.UDP, l4, len);
                // Adding ~sum to the data makes the sum all ones, so the true checksum is 0.
                buf.setShort(payloadWord, c);
                if (v4) {
                    assertThat(TransportChecksums.computeV4(buf, 0, IpProtocols.UDP, l4, len)).isEqualTo(0xFFFF);
                    TransportChecksums.writeV4(buf, 0, IpProtocols.UDP, l4, len);
                    assertThat(TransportChecksums.verifyV4(buf, 0, IpProtocols.UDP, l4, len)).isTrue();
                } else {
                    assertThat(TransportChecksums.computeV6(buf, 0, IpProtocols.UDP, l4, len)).isEqualTo(0xFFFF);
                    TransportChecksums.writeV6(buf, 0, IpProtocols.UDP, l4, len);
                    assertThat(TransportChecksums.verifyV6(buf, 0, IpProtocols.UDP, l4, len)).isTrue();
                }
                assertThat(p.udp().checksum()).isEqualTo(0xFFFF);
            } finally {
                buf.release();
            }
        }
    }
}
