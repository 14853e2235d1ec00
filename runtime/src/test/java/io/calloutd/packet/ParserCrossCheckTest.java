package io.calloutd.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.checksum.IcmpChecksums;
import io.calloutd.checksum.Ipv4Checksums;
import io.calloutd.checksum.TransportChecksums;
import io.calloutd.testing.packets.Bufs;
import io.calloutd.testing.packets.Pcap4jOracle;
import io.calloutd.testing.packets.TestPackets;
import io.calloutd.testing.packets.TestPackets.Ext;
import io.calloutd.testing.packets.TestPackets.Transport;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV6CommonPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UdpPacket;

/** Every view getter, offset and checksum against pcap4j's parse of the same bytes. */
class ParserCrossCheckTest {
    private final PacketParser parser = new PacketParser();
    private final ParsedPacket p = new ParsedPacket();

    static Stream<Arguments> fixedCases() {
        List<Arguments> a = new ArrayList<>();
        for (Transport t : Transport.values()) {
            for (boolean direct : new boolean[] {false, true}) {
                a.add(Arguments.of("v4 " + t, direct, TestPackets.ipv4(new Random(1), t, false, 33)));
                a.add(Arguments.of("v4+opts " + t, direct, TestPackets.ipv4(new Random(2), t, true, 100)));
                a.add(Arguments.of("v6 " + t, direct, TestPackets.ipv6(new Random(3), t, List.of(), 0)));
                a.add(Arguments.of("v6 hbh+rt+dst " + t, direct, TestPackets.ipv6(new Random(4), t,
                        List.of(Ext.HOP_BY_HOP, Ext.ROUTING, Ext.DESTINATION_OPTIONS), 57)));
                a.add(Arguments.of("v6 hbh+dst+rt+frag(first) " + t, direct, TestPackets.ipv6(new Random(5), t,
                        List.of(Ext.HOP_BY_HOP, Ext.DESTINATION_OPTIONS, Ext.ROUTING, Ext.FRAGMENT), 64, 0, true)));
                a.add(Arguments.of("v6 frag(non-first)+dst " + t, direct, TestPackets.ipv6(new Random(6), t,
                        List.of(Ext.ROUTING, Ext.FRAGMENT, Ext.DESTINATION_OPTIONS), 64, 1280, true)));
                a.add(Arguments.of("v4 frag(first) " + t, direct, TestPackets.ipv4(new Random(7), t, false, 200, 0, true)));
                a.add(Arguments.of("v4 frag(last) " + t, direct, TestPackets.ipv4(new Random(8), t, true, 77, 1480, false)));
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0} direct={1}")
    @MethodSource("fixedCases")
    void fixedPacketsMatchPcap4j(String name, boolean direct, byte[] raw) throws Exception {
        for (int headroom : new int[] {0, 1, 3}) {
            for (int trailing : new int[] {0, 5}) {
                check(raw, direct, headroom, trailing);
            }
        }
    }

    @Test
    void randomPacketsMatchPcap4j() throws Exception {
        Random r = new Random(0xC0FFEE);
        Ext[] exts = {Ext.HOP_BY_HOP, Ext.ROUTING, Ext.DESTINATION_OPTIONS, Ext.FRAGMENT};
        for (int i = 0; i < 3000; i++) {
            Transport t = Transport.values()[r.nextInt(Transport.values().length)];
            int payload = r.nextInt(r.nextInt(10) == 0 ? 1400 : 80);
            byte[] raw;
            if (r.nextBoolean()) {
                int fragCase = r.nextInt(6);
                raw = TestPackets.ipv4(r, t, r.nextBoolean(), payload,
                        fragCase == 0 ? 8 * (1 + r.nextInt(1000)) : 0, fragCase <= 1);
            } else {
                List<Ext> chain = new ArrayList<>();
                if (r.nextInt(3) == 0) {
                    chain.add(Ext.HOP_BY_HOP);
                }
                int n = r.nextInt(4);
                for (int k = 0; k < n; k++) {
                    Ext e = exts[1 + r.nextInt(3)];
                    if (!(e == Ext.FRAGMENT && chain.contains(Ext.FRAGMENT))) {
                        chain.add(e);
                    }
                }
                int off = chain.contains(Ext.FRAGMENT) && r.nextBoolean() ? 8 * (1 + r.nextInt(1000)) : 0;
                raw = TestPackets.ipv6(r, t, chain, payload, off, r.nextBoolean());
            }
            check(raw, r.nextBoolean(), r.nextInt(4), r.nextInt(3));
        }
    }

    private void check(byte[] raw, boolean direct, int headroom, int trailing) throws Exception {
        Pcap4jOracle o = new Pcap4jOracle(raw);
        ByteBuf buf = Bufs.of(raw, direct, headroom, trailing);
        try {
            assertThat(parser.parse(buf, p)).as("drop reason").isNull();
            int base = headroom;
            assertThat(p.buffer()).isSameAs(buf);
            assertThat(p.ipVersion()).isEqualTo(o.version);
            assertThat(p.networkOffset()).isEqualTo(base);
            assertThat(p.ipLength()).isEqualTo(raw.length);
            assertThat(p.ipEnd()).isEqualTo(base + raw.length);
            assertThat(p.trailingBytes()).isEqualTo(trailing);
            if (o.version == 4) {
                checkIpv4((IpV4Packet) o.ip, buf, base);
            } else {
                checkIpv6((IpV6Packet) o.ip, o, buf, base);
            }
            if (o.fragmentedData || (p.isFragment() && p.fragmentOffset() != 0)) {
                // pcap4j does not decode fragment data; our parser must expose no transport for
                // non-first fragments and offsets that agree with pcap4j's header lengths.
                if (p.fragmentOffset() != 0) {
                    assertThat(p.networkHeaderLength()).isEqualTo(o.networkHeaderLength);
                    assertThat(p.hasTransportHeader()).isFalse();
                    assertThat(p.payloadOffset()).isEqualTo(base + o.networkHeaderLength);
                    assertThat(p.payloadLength()).isEqualTo(raw.length - o.networkHeaderLength);
                } else {
                    // pcap4j stops at a first fragment's Fragment header; we walk on to the upper layer.
                    assertThat(p.networkHeaderLength()).isGreaterThanOrEqualTo(o.networkHeaderLength);
                    checkFirstFragmentTransport(raw, base);
                }
                return;
            }
            assertThat(p.networkHeaderLength()).isEqualTo(o.networkHeaderLength);
            assertThat(p.transportOffset()).isEqualTo(base + o.networkHeaderLength);
            checkTransport(o, buf, base, raw);
        } finally {
            buf.release();
        }
    }

    private void checkIpv4(IpV4Packet ip, ByteBuf buf, int base) {
        IpV4Packet.IpV4Header h = ip.getHeader();
        Ipv4Header v = p.ipv4();
        assertThat(v.offset()).isEqualTo(base);
        assertThat(v.version()).isEqualTo(4);
        assertThat(v.ihl()).isEqualTo(h.getIhlAsInt());
        assertThat(v.headerLength()).isEqualTo(h.length());
        assertThat((v.dscp() << 2) | v.ecn()).isEqualTo(h.getTos().value() & 0xFF);
        assertThat(v.totalLength()).isEqualTo(h.getTotalLengthAsInt());
        assertThat(v.identification()).isEqualTo(h.getIdentificationAsInt());
        assertThat(v.dontFragment()).isEqualTo(h.getDontFragmentFlag());
        assertThat(v.moreFragments()).isEqualTo(h.getMoreFragmentFlag());
        assertThat(v.reservedFlag()).isEqualTo(h.getReservedFlag());
        assertThat(v.fragmentOffset()).isEqualTo((h.getFragmentOffset() & 0x1FFF) * 8);
        assertThat(v.ttl()).isEqualTo(h.getTtlAsInt());
        assertThat(v.protocol()).isEqualTo(h.getProtocol().value() & 0xFF);
        assertThat(v.headerChecksum()).isEqualTo(h.getHeaderChecksum() & 0xFFFF);
        assertThat(v.sourceAddress()).isEqualTo(ByteBuffer.wrap(h.getSrcAddr().getAddress()).getInt());
        assertThat(v.destinationAddress()).isEqualTo(ByteBuffer.wrap(h.getDstAddr().getAddress()).getInt());
        assertThat(v.optionsLength()).isEqualTo(h.length() - 20);
        assertThat(Ipv4Checksums.compute(buf, base)).isEqualTo(h.getHeaderChecksum() & 0xFFFF);
        assertThat(Ipv4Checksums.verify(buf, base)).isTrue();
        assertThat(v.verifyHeaderChecksum()).isTrue();
        assertThat(p.isFragment()).isEqualTo(h.getMoreFragmentFlag() || h.getFragmentOffset() != 0);
        assertThat(p.fragmentOffset()).isEqualTo(v.fragmentOffset());
        assertThat(p.moreFragments()).isEqualTo(h.getMoreFragmentFlag());
        assertThat(p.fragmentId()).isEqualTo(h.getIdentificationAsInt());
        assertThat(p.fragmentHeaderOffset()).isEqualTo(-1);
        assertThat(p.transportProtocol()).isEqualTo(h.getProtocol().value() & 0xFF);
    }

    private void checkIpv6(IpV6Packet ip, Pcap4jOracle o, ByteBuf buf, int base) {
        IpV6Packet.IpV6Header h = ip.getHeader();
        Ipv6Header v = p.ipv6();
        assertThat(v.offset()).isEqualTo(base);
        assertThat(v.version()).isEqualTo(6);
        assertThat(v.trafficClass()).isEqualTo(h.getTrafficClass().value() & 0xFF);
        assertThat(v.flowLabel()).isEqualTo(h.getFlowLabel().value());
        assertThat(v.payloadLength()).isEqualTo(h.getPayloadLengthAsInt());
        assertThat(v.nextHeader()).isEqualTo(h.getNextHeader().value() & 0xFF);
        assertThat(v.hopLimit()).isEqualTo(h.getHopLimitAsInt());
        ByteBuffer src = ByteBuffer.wrap(h.getSrcAddr().getAddress());
        ByteBuffer dst = ByteBuffer.wrap(h.getDstAddr().getAddress());
        assertThat(v.sourceAddressHigh()).isEqualTo(src.getLong(0));
        assertThat(v.sourceAddressLow()).isEqualTo(src.getLong(8));
        assertThat(v.destinationAddressHigh()).isEqualTo(dst.getLong(0));
        assertThat(v.destinationAddressLow()).isEqualTo(dst.getLong(8));
        assertThat(v.sourceAddressEquals(src.getLong(0), src.getLong(8))).isTrue();
        assertThat(v.destinationAddressEquals(dst.getLong(0), dst.getLong(8))).isTrue();
        byte[] copy = new byte[18];
        v.copySourceAddress(copy, 1);
        assertThat(java.util.Arrays.copyOfRange(copy, 1, 17)).isEqualTo(h.getSrcAddr().getAddress());
        v.copyDestinationAddress(copy, 2);
        assertThat(java.util.Arrays.copyOfRange(copy, 2, 18)).isEqualTo(h.getDstAddr().getAddress());
        if (o.v6Fragment != null) {
            var fh = o.v6Fragment.getHeader();
            assertThat(p.isFragment()).isTrue();
            assertThat(p.fragmentHeaderOffset()).isEqualTo(base + o.fragmentHeaderOffset);
            assertThat(p.fragmentOffset()).isEqualTo((fh.getFragmentOffset() & 0x1FFF) * 8);
            assertThat(p.moreFragments()).isEqualTo(fh.getM());
            assertThat(p.fragmentId()).isEqualTo(fh.getIdentification());
            assertThat(p.ipv6Fragment().nextHeader()).isEqualTo(fh.getNextHeader().value() & 0xFF);
        } else {
            assertThat(p.isFragment()).isFalse();
            assertThat(p.fragmentHeaderOffset()).isEqualTo(-1);
        }
        if (!o.fragmentedData) {
            assertThat(p.extensionChain().headerCount()).isEqualTo(o.extensionCount);
        }
    }

    private void checkTransport(Pcap4jOracle o, ByteBuf buf, int base, byte[] raw) {
        Packet t = o.transport;
        int l4 = p.transportOffset();
        int l4Len = raw.length - o.networkHeaderLength;
        int ip = p.networkOffset();
        if (t instanceof TcpPacket) {
            TcpPacket.TcpHeader h = ((TcpPacket) t).getHeader();
            TcpHeader v = p.tcp();
            assertThat(p.transportProtocol()).isEqualTo(IpProtocols.TCP);
            assertThat(v.offset()).isEqualTo(l4);
            assertThat(v.sourcePort()).isEqualTo(h.getSrcPort().valueAsInt());
            assertThat(v.destinationPort()).isEqualTo(h.getDstPort().valueAsInt());
            assertThat(v.sequenceNumber()).isEqualTo(h.getSequenceNumber());
            assertThat(v.acknowledgmentNumber()).isEqualTo(h.getAcknowledgmentNumber());
            assertThat(v.dataOffset()).isEqualTo(h.getDataOffsetAsInt());
            assertThat(v.headerLength()).isEqualTo(h.length());
            assertThat(v.optionsLength()).isEqualTo(h.length() - 20);
            int flags = (h.getUrg() ? TcpHeader.URG : 0) | (h.getAck() ? TcpHeader.ACK : 0)
                    | (h.getPsh() ? TcpHeader.PSH : 0) | (h.getRst() ? TcpHeader.RST : 0)
                    | (h.getSyn() ? TcpHeader.SYN : 0) | (h.getFin() ? TcpHeader.FIN : 0);
            assertThat(v.flags() & 0x3F).isEqualTo(flags);
            assertThat(v.window()).isEqualTo(h.getWindowAsInt());
            assertThat(v.checksum()).isEqualTo(h.getChecksum() & 0xFFFF);
            assertThat(v.urgentPointer()).isEqualTo(h.getUrgentPointerAsInt());
            assertThat(p.transportHeaderLength()).isEqualTo(h.length());
            assertThat(p.payloadOffset()).isEqualTo(l4 + h.length());
            assertThat(p.payloadLength()).isEqualTo(t.length() - h.length());
            checkPseudoHeaderChecksum(buf, ip, IpProtocols.TCP, l4, l4Len, h.getChecksum() & 0xFFFF);
        } else if (t instanceof UdpPacket) {
            UdpPacket.UdpHeader h = ((UdpPacket) t).getHeader();
            UdpHeader v = p.udp();
            assertThat(p.transportProtocol()).isEqualTo(IpProtocols.UDP);
            assertThat(v.offset()).isEqualTo(l4);
            assertThat(v.sourcePort()).isEqualTo(h.getSrcPort().valueAsInt());
            assertThat(v.destinationPort()).isEqualTo(h.getDstPort().valueAsInt());
            assertThat(v.length()).isEqualTo(h.getLengthAsInt());
            assertThat(v.checksum()).isEqualTo(h.getChecksum() & 0xFFFF);
            assertThat(p.transportHeaderLength()).isEqualTo(8);
            assertThat(p.transportLength()).isEqualTo(h.getLengthAsInt());
            if (!p.isFragment()) {
                assertThat(p.payloadLength()).isEqualTo(h.getLengthAsInt() - 8);
                checkPseudoHeaderChecksum(buf, ip, IpProtocols.UDP, l4, l4Len, h.getChecksum() & 0xFFFF);
            }
        } else if (t instanceof IcmpV4CommonPacket) {
            IcmpV4CommonPacket.IcmpV4CommonHeader h = ((IcmpV4CommonPacket) t).getHeader();
            IcmpHeader v = p.icmp();
            assertThat(p.transportProtocol()).isEqualTo(IpProtocols.ICMP);
            assertThat(v.type()).isEqualTo(h.getType().value() & 0xFF);
            assertThat(v.code()).isEqualTo(h.getCode().value() & 0xFF);
            assertThat(v.checksum()).isEqualTo(h.getChecksum() & 0xFFFF);
            var echo = (org.pcap4j.packet.IcmpV4EchoPacket) t.getPayload();
            assertThat(v.identifier()).isEqualTo(echo.getHeader().getIdentifierAsInt());
            assertThat(v.sequenceNumber()).isEqualTo(echo.getHeader().getSequenceNumberAsInt());
            assertThat(p.transportHeaderLength()).isEqualTo(8);
            assertThat(p.payloadLength()).isEqualTo(t.length() - 8);
            if (!p.isFragment()) {
                assertThat(IcmpChecksums.compute(buf, l4, l4Len)).isEqualTo(h.getChecksum() & 0xFFFF);
                assertThat(IcmpChecksums.verify(buf, l4, l4Len)).isTrue();
            }
        } else if (t instanceof IcmpV6CommonPacket) {
            IcmpV6CommonPacket.IcmpV6CommonHeader h = ((IcmpV6CommonPacket) t).getHeader();
            Icmpv6Header v = p.icmpv6();
            assertThat(p.transportProtocol()).isEqualTo(IpProtocols.ICMPV6);
            assertThat(v.type()).isEqualTo(h.getType().value() & 0xFF);
            assertThat(v.code()).isEqualTo(h.getCode().value() & 0xFF);
            assertThat(v.checksum()).isEqualTo(h.getChecksum() & 0xFFFF);
            var echo = (org.pcap4j.packet.IcmpV6EchoRequestPacket) t.getPayload();
            assertThat(v.identifier()).isEqualTo(echo.getHeader().getIdentifierAsInt());
            assertThat(v.sequenceNumber()).isEqualTo(echo.getHeader().getSequenceNumberAsInt());
            assertThat(p.transportHeaderLength()).isEqualTo(8);
            if (!p.isFragment()) {
                checkPseudoHeaderChecksum(buf, ip, IpProtocols.ICMPV6, l4, l4Len, h.getChecksum() & 0xFFFF);
            }
        } else {
            assertThat(p.transportProtocol()).isEqualTo(253);
            assertThat(p.hasTransportHeader()).isFalse();
            assertThat(p.payloadOffset()).isEqualTo(l4);
            assertThat(p.payloadLength()).isEqualTo(l4Len);
        }
    }

    /** Decodes the transport header of a first fragment with pcap4j at the offset we found. */
    private void checkFirstFragmentTransport(byte[] raw, int base) throws Exception {
        if (!p.hasTransportHeader()) {
            assertThat(p.transportProtocol()).isNotIn(IpProtocols.TCP, IpProtocols.UDP);
            return;
        }
        int at = p.transportOffset() - base;
        int len = raw.length - at;
        switch (p.transportProtocol()) {
            case IpProtocols.TCP: {
                TcpPacket.TcpHeader h = TcpPacket.newPacket(raw, at, len).getHeader();
                assertThat(p.tcp().sourcePort()).isEqualTo(h.getSrcPort().valueAsInt());
                assertThat(p.tcp().destinationPort()).isEqualTo(h.getDstPort().valueAsInt());
                assertThat(p.tcp().sequenceNumber()).isEqualTo(h.getSequenceNumber());
                assertThat(p.tcp().checksum()).isEqualTo(h.getChecksum() & 0xFFFF);
                assertThat(p.transportHeaderLength()).isEqualTo(h.length());
                break;
            }
            case IpProtocols.UDP: {
                UdpPacket.UdpHeader h = UdpPacket.newPacket(raw, at, len).getHeader();
                assertThat(p.udp().sourcePort()).isEqualTo(h.getSrcPort().valueAsInt());
                assertThat(p.udp().length()).isEqualTo(h.getLengthAsInt());
                assertThat(p.udp().checksum()).isEqualTo(h.getChecksum() & 0xFFFF);
                break;
            }
            case IpProtocols.ICMP: {
                IcmpV4CommonPacket.IcmpV4CommonHeader h = IcmpV4CommonPacket.newPacket(raw, at, len).getHeader();
                assertThat(p.icmp().type()).isEqualTo(h.getType().value() & 0xFF);
                assertThat(p.icmp().checksum()).isEqualTo(h.getChecksum() & 0xFFFF);
                break;
            }
            default: {
                assertThat(p.transportProtocol()).isEqualTo(IpProtocols.ICMPV6);
                IcmpV6CommonPacket.IcmpV6CommonHeader h = IcmpV6CommonPacket.newPacket(raw, at, len).getHeader();
                assertThat(p.icmpv6().type()).isEqualTo(h.getType().value() & 0xFF);
                assertThat(p.icmpv6().checksum()).isEqualTo(h.getChecksum() & 0xFFFF);
            }
        }
        assertThat(p.payloadOffset()).isEqualTo(p.transportOffset() + p.transportHeaderLength());
        assertThat(p.payloadLength()).isEqualTo(p.ipEnd() - p.payloadOffset());
    }

    private void checkPseudoHeaderChecksum(ByteBuf buf, int ip, int proto, int l4, int l4Len, int expected) {
        if (p.isFragment()) {
            return; // the checksum covers the reassembled datagram
        }
        if (p.ipVersion() == 4) {
            assertThat(TransportChecksums.computeV4(buf, ip, proto, l4, l4Len)).isEqualTo(expected);
            assertThat(TransportChecksums.verifyV4(buf, ip, proto, l4, l4Len)).isTrue();
        } else {
            assertThat(TransportChecksums.computeV6(buf, ip, proto, l4, l4Len)).isEqualTo(expected);
            assertThat(TransportChecksums.verifyV6(buf, ip, proto, l4, l4Len)).isTrue();
        }
        // One flipped payload bit must fail verification.
        int at = l4 + l4Len - 1;
        buf.setByte(at, buf.getByte(at) ^ 0x01);
        boolean ok = p.ipVersion() == 4
                ? TransportChecksums.verifyV4(buf, ip, proto, l4, l4Len)
                : TransportChecksums.verifyV6(buf, ip, proto, l4, l4Len);
        boolean udpNone = proto == IpProtocols.UDP && p.ipVersion() == 4 && expected == 0;
        assertThat(ok).isEqualTo(udpNone);
        buf.setByte(at, buf.getByte(at) ^ 0x01);
    }
}
