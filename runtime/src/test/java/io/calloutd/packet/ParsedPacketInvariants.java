package io.calloutd.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;

/** Checks that an accepted packet's offsets lie inside the buffer and its views are readable. */
final class ParsedPacketInvariants {
    private ParsedPacketInvariants() {}

    static void check(ByteBuf buf, DropReason reason, ParsedPacket p) {
        if (reason != null) {
            assertThat(p.ipVersion()).isZero();
            return;
        }
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        assertThat(p.ipVersion()).isIn(4, 6);
        assertThat(p.networkOffset()).isEqualTo(start);
        assertThat(p.ipEnd()).isBetween(start, end);
        assertThat(p.networkHeaderLength()).isGreaterThanOrEqualTo(p.ipVersion() == 4 ? 20 : 40);
        assertThat(p.transportOffset()).isEqualTo(start + p.networkHeaderLength());
        assertThat(p.transportOffset()).isBetween(start, p.ipEnd());
        assertThat(p.payloadOffset()).isEqualTo(p.transportOffset() + p.transportHeaderLength());
        assertThat(p.payloadLength()).isNotNegative();
        assertThat(p.payloadOffset() + p.payloadLength()).isLessThanOrEqualTo(p.ipEnd());
        assertThat(p.transportOffset() + p.transportLength()).isLessThanOrEqualTo(p.ipEnd());
        if (p.fragmentHeaderOffset() >= 0) {
            assertThat(p.fragmentHeaderOffset() + 8).isLessThanOrEqualTo(p.transportOffset());
            p.ipv6Fragment().identification();
        }
        if (p.isFragment() && p.fragmentOffset() != 0) {
            assertThat(p.hasTransportHeader()).isFalse();
        }
        if (p.ipVersion() == 4) {
            Ipv4Header h = p.ipv4();
            assertThat(h.headerLength()).isEqualTo(p.networkHeaderLength());
            assertThat(h.totalLength()).isEqualTo(p.ipLength());
        } else {
            Ipv6Header h = p.ipv6();
            assertThat(Ipv6Header.LENGTH + h.payloadLength()).isEqualTo(p.ipLength());
            h.sourceAddressLow();
            h.destinationAddressLow();
        }
        if (p.hasTransportHeader()) {
            switch (p.transportProtocol()) {
                case IpProtocols.TCP:
                    assertThat(p.tcp().headerLength()).isEqualTo(p.transportHeaderLength()).isBetween(20, 60);
                    p.tcp().urgentPointer();
                    break;
                case IpProtocols.UDP:
                    assertThat(p.transportHeaderLength()).isEqualTo(8);
                    p.udp().checksum();
                    break;
                case IpProtocols.ICMP:
                    assertThat(p.ipVersion()).isEqualTo(4);
                    p.icmp().restOfHeader();
                    break;
                case IpProtocols.ICMPV6:
                    assertThat(p.ipVersion()).isEqualTo(6);
                    p.icmpv6().restOfHeader();
                    break;
                default:
                    throw new AssertionError("transport header for protocol " + p.transportProtocol());
            }
        }
    }
}
