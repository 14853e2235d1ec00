package io.calloutd.flow;

import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV4EchoPacket;
import org.pcap4j.packet.IcmpV4EchoReplyPacket;
import org.pcap4j.packet.IcmpV6CommonPacket;
import org.pcap4j.packet.IcmpV6EchoReplyPacket;
import org.pcap4j.packet.IcmpV6EchoRequestPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc1349Tos;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.IpV6SimpleFlowLabel;
import org.pcap4j.packet.IpV6SimpleTrafficClass;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IcmpV4Code;
import org.pcap4j.packet.namednumber.IcmpV4Type;
import org.pcap4j.packet.namednumber.IcmpV6Code;
import org.pcap4j.packet.namednumber.IcmpV6Type;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpPort;
import org.pcap4j.packet.namednumber.UdpPort;

/** Builds specific TCP/UDP/ICMP packets with pcap4j (independent of our parser) and parses them for the table. */
public final class FlowPackets {
    public static final int FIN = 1, SYN = 2, RST = 4, ACK = 16;

    private final PacketParser parser = new PacketParser();
    private final ParsedPacket parsed = new ParsedPacket();

    /** Parses raw bytes into the reused ParsedPacket (asserting success). */
    public ParsedPacket parse(byte[] raw) {
        return parse(Unpooled.wrappedBuffer(raw));
    }

    public ParsedPacket parse(ByteBuf buf) {
        var drop = parser.parse(buf, parsed);
        if (drop != null) {
            throw new AssertionError("parser dropped a pcap4j packet: " + drop);
        }
        return parsed;
    }

    public static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    public static byte[] tcp(String src, int sp, String dst, int dp, int flags, int seq, int ack, int payload) {
        InetAddress s = addr(src), d = addr(dst);
        TcpPacket.Builder t = new TcpPacket.Builder().srcPort(TcpPort.getInstance((short) sp))
                .dstPort(TcpPort.getInstance((short) dp)).sequenceNumber(seq).acknowledgmentNumber(ack)
                .fin((flags & FIN) != 0).syn((flags & SYN) != 0).rst((flags & RST) != 0).ack((flags & ACK) != 0)
                .window((short) 8192).payloadBuilder(payload > 0 ? raw(new byte[payload]) : null)
                .srcAddr(s).dstAddr(d).correctLengthAtBuild(true).correctChecksumAtBuild(true).paddingAtBuild(true);
        return ip(s, d, IpNumber.TCP, t);
    }

    public static byte[] udp(String src, int sp, String dst, int dp, int payload) {
        InetAddress s = addr(src), d = addr(dst);
        UdpPacket.Builder u = new UdpPacket.Builder().srcPort(UdpPort.getInstance((short) sp))
                .dstPort(UdpPort.getInstance((short) dp)).payloadBuilder(raw(new byte[payload]))
                .srcAddr(s).dstAddr(d).correctLengthAtBuild(true).correctChecksumAtBuild(true);
        return ip(s, d, IpNumber.UDP, u);
    }

    public static byte[] echo(String src, String dst, int id, int seq, boolean reply) {
        InetAddress s = addr(src), d = addr(dst);
        if (s instanceof Inet6Address) {
            Packet.Builder body = reply
                    ? new IcmpV6EchoReplyPacket.Builder().identifier((short) id).sequenceNumber((short) seq)
                    : new IcmpV6EchoRequestPacket.Builder().identifier((short) id).sequenceNumber((short) seq);
            return ip(s, d, IpNumber.ICMPV6, new IcmpV6CommonPacket.Builder()
                    .type(reply ? IcmpV6Type.ECHO_REPLY : IcmpV6Type.ECHO_REQUEST).code(IcmpV6Code.NO_CODE)
                    .payloadBuilder(body).srcAddr((Inet6Address) s).dstAddr((Inet6Address) d)
                    .correctChecksumAtBuild(true));
        }
        Packet.Builder body = reply
                ? new IcmpV4EchoReplyPacket.Builder().identifier((short) id).sequenceNumber((short) seq)
                : new IcmpV4EchoPacket.Builder().identifier((short) id).sequenceNumber((short) seq);
        return ip(s, d, IpNumber.ICMPV4, new IcmpV4CommonPacket.Builder()
                .type(reply ? IcmpV4Type.ECHO_REPLY : IcmpV4Type.ECHO).code(IcmpV4Code.NO_CODE)
                .payloadBuilder(body).correctChecksumAtBuild(true));
    }

    /** An ICMP (v4) or ICMPv6 port unreachable from {@code src} to {@code dst} quoting {@code quoted}. */
    public static byte[] portUnreachable(String src, String dst, byte[] quoted) {
        InetAddress s = addr(src), d = addr(dst);
        byte[] body = new byte[4 + quoted.length]; // 4 unused bytes, then the invoking packet
        System.arraycopy(quoted, 0, body, 4, quoted.length);
        if (s instanceof Inet6Address) {
            return ip(s, d, IpNumber.ICMPV6, new IcmpV6CommonPacket.Builder()
                    .type(IcmpV6Type.DESTINATION_UNREACHABLE).code(IcmpV6Code.PORT_UNREACHABLE)
                    .payloadBuilder(raw(body)).srcAddr((Inet6Address) s).dstAddr((Inet6Address) d)
                    .correctChecksumAtBuild(true));
        }
        return ip(s, d, IpNumber.ICMPV4, new IcmpV4CommonPacket.Builder()
                .type(IcmpV4Type.DESTINATION_UNREACHABLE).code(IcmpV4Code.PORT_UNREACHABLE)
                .payloadBuilder(raw(body)).correctChecksumAtBuild(true));
    }

    private static UnknownPacket.Builder raw(byte[] b) {
        return new UnknownPacket.Builder().rawData(b);
    }

    private static byte[] ip(InetAddress s, InetAddress d, IpNumber proto, Packet.Builder l4) {
        if (s instanceof Inet6Address) {
            return new IpV6Packet.Builder().version(IpVersion.IPV6).trafficClass(IpV6SimpleTrafficClass.newInstance((byte) 0))
                    .flowLabel(IpV6SimpleFlowLabel.newInstance(0)).nextHeader(proto).hopLimit((byte) 64)
                    .srcAddr((Inet6Address) s).dstAddr((Inet6Address) d).payloadBuilder(l4)
                    .correctLengthAtBuild(true).build().getRawData();
        }
        return new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc1349Tos.newInstance((byte) 0))
                .identification((short) 1).ttl((byte) 64).protocol(proto)
                .srcAddr((Inet4Address) s).dstAddr((Inet4Address) d).payloadBuilder(l4)
                .correctChecksumAtBuild(true).correctLengthAtBuild(true).build().getRawData();
    }
}
