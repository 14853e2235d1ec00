package io.calloutd.checksum;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * RFC 1624 incremental updates equal a full recompute on valid packets, and never repair a
 * corrupted checksum.
 */
class IncrementalChecksumTest {
    private final PacketParser parser = new PacketParser();
    private final ParsedPacket p = new ParsedPacket();

    @Test
    void rfc1624Example() {
        // RFC 1624 §4: HC = 0xDD2F, m = 0x5555 -> m' = 0x3285 gives HC' = 0x0000.
        assertThat(IncrementalChecksum.update16(0xDD2F, 0x5555, 0x3285)).isEqualTo(0x0000);
    }

    @Test
    void incrementalEqualsFullRecomputeOnRandomChanges() {
        Random r = new Random(1624);
        for (int i = 0; i < 3000; i++) {
            run(r, false);
        }
    }

    @Test
    void corruptedChecksumStaysInvalidAfterIncrementalUpdate() {
        Random r = new Random(4242);
        for (int i = 0; i < 3000; i++) {
            run(r, true);
        }
    }

    private void run(Random r, boolean corrupt) {
        boolean v4 = r.nextBoolean();
        Transport t = new Transport[] {Transport.TCP, Transport.UDP, Transport.ICMP_ECHO}[r.nextInt(3)];
        byte[] raw = v4 ? TestPackets.ipv4(r, t, r.nextBoolean(), r.nextInt(200))
                : TestPackets.ipv6(r, t, r.nextBoolean() ? List.of() : List.of(Ext.HOP_BY_HOP, Ext.DESTINATION_OPTIONS),
                        r.nextInt(200));
        ByteBuf buf = Bufs.of(raw, r.nextBoolean(), r.nextInt(4), 0);
        try {
            assertThat(parser.parse(buf, p)).isNull();
            int proto = p.transportProtocol();
            boolean pseudo = !(v4 && proto == IpProtocols.ICMP);
            int l4 = p.transportOffset();
            int l4Len = p.transportLength();
            int l4Field = l4 + (proto == IpProtocols.TCP ? 16 : proto == IpProtocols.UDP ? 6 : 2);
            boolean udp = proto == IpProtocols.UDP;
            int ip = p.networkOffset();
            int corruptedField = -1;
            if (corrupt) {
                corruptedField = r.nextBoolean() && v4 ? ip + 10 : l4Field;
                int old = buf.getUnsignedShort(corruptedField);
                int bad;
                do {
                    bad = r.nextInt(65536);
                } while (bad == old || (old == 0 && bad == 0xFFFF) || (old == 0xFFFF && bad == 0)
                        || (udp && !v4 && bad == 0) || (udp && v4 && bad == 0 && corruptedField == l4Field));
                buf.setShort(corruptedField, bad);
            }
            // Apply 1..3 random field changes with incremental fix-ups.
            int changes = 1 + r.nextInt(3);
            for (int c = 0; c < changes; c++) {
                switch (r.nextInt(4)) {
                    case 0: // address rewrite: fixes the IP header (v4) and the pseudo-header checksum
                        if (v4) {
                            int old = buf.getInt(ip + 16);
                            int nu = r.nextInt();
                            p.ipv4().setDestinationAddressUpdatingChecksum(nu);
                            adjust32(buf, l4Field, old, nu, udp, pseudo);
                        } else {
                            long oh = buf.getLong(ip + 8);
                            long ol = buf.getLong(ip + 16);
                            long nh = r.nextLong();
                            long nl = r.nextLong();
                            p.ipv6().setSourceAddress(nh, nl);
                            if (udp) {
                                IncrementalChecksum.adjustUdp128(buf, l4Field, oh, ol, nh, nl);
                            } else {
                                IncrementalChecksum.adjust128(buf, l4Field, oh, ol, nh, nl);
                            }
                        }
                        break;
                    case 1: // IPv4 TTL / id (header checksum only); IPv6 hop limit (no checksum)
                        if (v4) {
                            if (r.nextBoolean()) {
                                p.ipv4().setTtlUpdatingChecksum(r.nextInt(256));
                            } else {
                                p.ipv4().setIdentificationUpdatingChecksum(r.nextInt(65536));
                            }
                        } else {
                            p.ipv6().setHopLimit(r.nextInt(256));
                        }
                        break;
                    case 2: // a 16-bit word of the transport header (port / echo id)
                        replace16(buf, udp ? l4 : l4 + 4, r.nextInt(65536), l4Field, udp);
                        break;
                    default: // a 32-bit word inside the transport message (TCP seq / echo rest)
                        if (udp) {
                            replace16(buf, l4 + 2, r.nextInt(65536), l4Field, true);
                        } else {
                            IncrementalChecksum.replace32(buf, l4 + 4, r.nextInt(), l4Field);
                        }
                        break;
                }
            }
            boolean ipOk = !v4 || Ipv4Checksums.verify(buf, ip);
            boolean l4Ok = !pseudo ? IcmpChecksums.verify(buf, l4, l4Len)
                    : v4 ? TransportChecksums.verifyV4(buf, ip, proto, l4, l4Len)
                    : TransportChecksums.verifyV6(buf, ip, proto, l4, l4Len);
            if (!corrupt) {
                assertThat(ipOk).isTrue();
                assertThat(l4Ok).isTrue();
                if (v4) {
                    assertThat(buf.getUnsignedShort(ip + 10)).isEqualTo(Ipv4Checksums.compute(buf, ip));
                }
                int full = !pseudo ? IcmpChecksums.compute(buf, l4, l4Len)
                        : v4 ? TransportChecksums.computeV4(buf, ip, proto, l4, l4Len)
                        : TransportChecksums.computeV6(buf, ip, proto, l4, l4Len);
                assertThat(buf.getUnsignedShort(l4Field)).isEqualTo(full);
            } else if (corruptedField == l4Field) {
                assertThat(l4Ok).as("corrupted transport checksum repaired").isFalse();
                assertThat(ipOk).isTrue();
            } else {
                assertThat(ipOk).as("corrupted IPv4 header checksum repaired").isFalse();
                assertThat(l4Ok).isTrue();
            }
        } finally {
            buf.release();
        }
    }

    private static void adjust32(ByteBuf buf, int field, int old, int nu, boolean udp, boolean pseudo) {
        if (!pseudo) {
            return;
        }
        if (udp) {
            IncrementalChecksum.adjustUdp32(buf, field, old, nu);
        } else {
            IncrementalChecksum.adjust32(buf, field, old, nu);
        }
    }

    private static void replace16(ByteBuf buf, int at, int nu, int field, boolean udp) {
        int old = buf.getUnsignedShort(at);
        buf.setShort(at, nu);
        if (udp) {
            IncrementalChecksum.adjustUdp16(buf, field, old, nu);
        } else {
            IncrementalChecksum.adjust16(buf, field, old, nu);
        }
    }
}
