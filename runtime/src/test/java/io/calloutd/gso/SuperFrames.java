package io.calloutd.gso;

import io.calloutd.testing.packets.TestPackets;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc1349Tos;
import org.pcap4j.packet.IpV6ExtDestinationOptionsPacket;
import org.pcap4j.packet.IpV6ExtOptionsPacket;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.IpV6PadNOption;
import org.pcap4j.packet.IpV6SimpleFlowLabel;
import org.pcap4j.packet.IpV6SimpleTrafficClass;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpNoOperationOption;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.TcpTimestampsOption;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpPort;
import org.pcap4j.packet.namednumber.UdpPort;

/** pcap4j-built super-frames (IP packets larger than an MTU, as the kernel hands them over with GSO). */
final class SuperFrames {
    private SuperFrames() {}

    /** TCP flags in the byte-13 layout: pcap4j 1.8.2 keeps CWR/ECE in its 6 "reserved" bits. */
    static final int CWR = 0x80;
    static final int ECE = 0x40;

    /**
     * A TCP super-frame. {@code flags} is the byte-13 value (FIN..CWR); {@code v6Ext} adds a
     * Destination Options header (IPv6 only); {@code ipv4Options} is not offered (pcap4j pads).
     */
    static byte[] tcp(Random r, boolean v6, boolean tcpOptions, boolean v6Ext, int flags, byte[] payload, int seq) {
        InetAddress src = v6 ? TestPackets.v6Address(r) : TestPackets.v4Address(r);
        InetAddress dst = v6 ? TestPackets.v6Address(r) : TestPackets.v4Address(r);
        List<TcpPacket.TcpOption> opts = new ArrayList<>();
        if (tcpOptions) {
            opts.add(TcpNoOperationOption.getInstance());
            opts.add(TcpNoOperationOption.getInstance());
            opts.add(new TcpTimestampsOption.Builder().tsValue(r.nextInt()).tsEchoReply(r.nextInt())
                    .correctLengthAtBuild(true).build());
        }
        TcpPacket.Builder tcp = new TcpPacket.Builder()
                .srcPort(TcpPort.getInstance((short) 40000)).dstPort(TcpPort.getInstance((short) 45000))
                .sequenceNumber(seq).acknowledgmentNumber(r.nextInt())
                .reserved((byte) ((flags >>> 6) & 3))
                .urg((flags & 0x20) != 0).ack((flags & 0x10) != 0).psh((flags & 0x08) != 0)
                .rst((flags & 0x04) != 0).syn((flags & 0x02) != 0).fin((flags & 0x01) != 0)
                .window((short) 512).urgentPointer((short) 0)
                .options(opts).paddingAtBuild(true)
                .payloadBuilder(new UnknownPacket.Builder().rawData(payload))
                .srcAddr(src).dstAddr(dst)
                .correctLengthAtBuild(true).correctChecksumAtBuild(true);
        return ip(r, v6, v6Ext, IpNumber.TCP, src, dst, tcp);
    }

    /** A UDP super-frame (USO). */
    static byte[] udp(Random r, boolean v6, byte[] payload) {
        InetAddress src = v6 ? TestPackets.v6Address(r) : TestPackets.v4Address(r);
        InetAddress dst = v6 ? TestPackets.v6Address(r) : TestPackets.v4Address(r);
        UdpPacket.Builder udp = new UdpPacket.Builder()
                .srcPort(UdpPort.getInstance((short) 40000)).dstPort(UdpPort.getInstance((short) 45000))
                .payloadBuilder(new UnknownPacket.Builder().rawData(payload))
                .srcAddr(src).dstAddr(dst)
                .correctLengthAtBuild(true).correctChecksumAtBuild(true);
        return ip(r, v6, false, IpNumber.UDP, src, dst, udp);
    }

    private static byte[] ip(Random r, boolean v6, boolean v6Ext, IpNumber proto, InetAddress src, InetAddress dst,
                             Packet.Builder l4) {
        if (!v6) {
            return new IpV4Packet.Builder().version(IpVersion.IPV4)
                    .tos(IpV4Rfc1349Tos.newInstance((byte) 0)).identification((short) 0xFFF0)
                    .dontFragmentFlag(true).ttl((byte) 64).protocol(proto)
                    .srcAddr((java.net.Inet4Address) src).dstAddr((java.net.Inet4Address) dst)
                    .payloadBuilder(l4).paddingAtBuild(true)
                    .correctChecksumAtBuild(true).correctLengthAtBuild(true).build().getRawData();
        }
        Packet.Builder inner = l4;
        IpNumber next = proto;
        if (v6Ext) {
            List<IpV6ExtOptionsPacket.IpV6Option> o = new ArrayList<>();
            o.add(new IpV6PadNOption.Builder().data(new byte[4]).correctLengthAtBuild(true).build());
            inner = new IpV6ExtDestinationOptionsPacket.Builder().nextHeader(proto).options(o)
                    .payloadBuilder(l4).correctLengthAtBuild(true);
            next = IpNumber.IPV6_DST_OPTS;
        }
        return new IpV6Packet.Builder().version(IpVersion.IPV6)
                .trafficClass(IpV6SimpleTrafficClass.newInstance((byte) 0))
                .flowLabel(IpV6SimpleFlowLabel.newInstance(r.nextInt(1 << 20)))
                .nextHeader(next).hopLimit((byte) 64)
                .srcAddr((java.net.Inet6Address) src).dstAddr((java.net.Inet6Address) dst)
                .payloadBuilder(inner).correctLengthAtBuild(true).build().getRawData();
    }

    /** {@code packet} prefixed with a virtio_net_hdr (little-endian fields). */
    static byte[] withHeader(byte[] packet, int flags, int gsoType, int hdrLen, int gsoSize, int csumStart,
                             int csumOffset) {
        byte[] f = new byte[VnetHeader.SIZE + packet.length];
        f[0] = (byte) flags;
        f[1] = (byte) gsoType;
        le(f, 2, hdrLen);
        le(f, 4, gsoSize);
        le(f, 6, csumStart);
        le(f, 8, csumOffset);
        System.arraycopy(packet, 0, f, VnetHeader.SIZE, packet.length);
        return f;
    }

    private static void le(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }
}
