package io.calloutd.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.packet.DropReason;
import io.calloutd.packet.IpProtocols;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.testing.packets.Bufs;
import io.calloutd.testing.packets.TestPackets;
import io.calloutd.testing.packets.TestPackets.Ext;
import io.calloutd.testing.packets.TestPackets.Transport;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Whole-packet verify/write restores exactly the checksums pcap4j computed. */
class PacketChecksumsTest {

    @Test
    void writeAllRestoresPcap4jChecksumsAndVerifyDetectsCorruption() {
        Random r = new Random(99);
        PacketParser parser = new PacketParser(false);
        ParsedPacket p = new ParsedPacket();
        for (int i = 0; i < 400; i++) {
            Transport t = new Transport[] {Transport.TCP, Transport.UDP, Transport.ICMP_ECHO}[r.nextInt(3)];
            boolean v4 = r.nextBoolean();
            byte[] raw = v4 ? TestPackets.ipv4(r, t, r.nextBoolean(), r.nextInt(300))
                    : TestPackets.ipv6(r, t, r.nextBoolean() ? List.of() : List.of(Ext.HOP_BY_HOP, Ext.ROUTING), r.nextInt(300));
            ByteBuf buf = Bufs.of(raw, r.nextBoolean(), r.nextInt(3), 0);
            try {
                assertThat(parser.parse(buf, p)).isNull();
                assertThat(PacketChecksums.hasCheckableTransportChecksum(p)).isTrue();
                assertThat(PacketChecksums.verifyAll(p)).isNull();
                int field = p.transportOffset() + (p.transportProtocol() == IpProtocols.TCP ? 16
                        : p.transportProtocol() == IpProtocols.UDP ? 6 : 2);
                int expected = buf.getUnsignedShort(field);
                int expectedIp = v4 ? buf.getUnsignedShort(p.networkOffset() + 10) : -1;
                buf.setShort(field, expected ^ 0x0100);
                DropReason bad = PacketChecksums.verifyAll(p);
                assertThat(bad).isEqualTo(switch (p.transportProtocol()) {
                    case IpProtocols.TCP -> DropReason.TCP_BAD_CHECKSUM;
                    case IpProtocols.UDP -> DropReason.UDP_BAD_CHECKSUM;
                    case IpProtocols.ICMP -> DropReason.ICMP_BAD_CHECKSUM;
                    default -> DropReason.ICMPV6_BAD_CHECKSUM;
                });
                if (v4) {
                    buf.setShort(p.networkOffset() + 10, 0x1234);
                    assertThat(PacketChecksums.verifyAll(p)).isEqualTo(DropReason.IPV4_BAD_HEADER_CHECKSUM);
                }
                PacketChecksums.writeAll(p);
                assertThat(buf.getUnsignedShort(field)).isEqualTo(expected);
                if (v4) {
                    assertThat(buf.getUnsignedShort(p.networkOffset() + 10)).isEqualTo(expectedIp);
                }
                assertThat(PacketChecksums.verifyAll(p)).isNull();
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void fragmentsAreNotCheckable() {
        byte[] raw = TestPackets.ipv4(new Random(3), Transport.TCP, false, 100, 0, true);
        ByteBuf buf = Bufs.of(raw, false);
        try {
            ParsedPacket p = new ParsedPacket();
            assertThat(new PacketParser().parse(buf, p)).isNull();
            assertThat(p.isFirstFragment()).isTrue();
            assertThat(PacketChecksums.hasCheckableTransportChecksum(p)).isFalse();
            assertThat(PacketChecksums.verifyTransport(p)).isNull();
        } finally {
            buf.release();
        }
    }
}
