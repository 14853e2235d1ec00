package io.calloutd.callouts.testkit;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV4EchoPacket;
import org.pcap4j.packet.IcmpV4EchoReplyPacket;
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
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpPort;
import org.pcap4j.packet.namednumber.UdpPort;

/** Real packet bytes built with pcap4j (independent of calloutd's parser and checksums). */
public final class Packets {
    /** TCP flag bits. */
    public static final int FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;

    private Packets() { }

    /** An address literal. */
    public static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    /** A TCP segment with {@code payload} (may be empty). */
    public static byte[] tcp(String src, int sp, String dst, int dp, int flags, int seq, int ack, byte[] payload) {
        InetAddress s = addr(src), d = addr(dst);
        TcpPacket.Builder t = new TcpPacket.Builder().srcPort(TcpPort.getInstance((short) sp))
                .dstPort(TcpPort.getInstance((short) dp)).sequenceNumber(seq).acknowledgmentNumber(ack)
                .fin((flags & FIN) != 0).syn((flags & SYN) != 0).rst((flags & RST) != 0).psh((flags & PSH) != 0)
                .ack((flags & ACK) != 0).window((short) 8192)
                .payloadBuilder(payload.length > 0 ? raw(payload) : null)
                .srcAddr(s).dstAddr(d).correctLengthAtBuild(true).correctChecksumAtBuild(true).paddingAtBuild(true);
        return ip(s, d, IpNumber.TCP, t);
    }

    /** A TCP segment with {@code n} zero payload bytes. */
    public static byte[] tcp(String src, int sp, String dst, int dp, int flags, int seq, int ack, int n) {
        return tcp(src, sp, dst, dp, flags, seq, ack, new byte[n]);
    }

    /** A UDP datagram with {@code payload}. */
    public static byte[] udp(String src, int sp, String dst, int dp, byte[] payload) {
        InetAddress s = addr(src), d = addr(dst);
        UdpPacket.Builder u = new UdpPacket.Builder().srcPort(UdpPort.getInstance((short) sp))
                .dstPort(UdpPort.getInstance((short) dp)).payloadBuilder(raw(payload))
                .srcAddr(s).dstAddr(d).correctLengthAtBuild(true).correctChecksumAtBuild(true);
        return ip(s, d, IpNumber.UDP, u);
    }

    /** A UDP datagram whose payload is {@code n} bytes of value {@code fill}. */
    public static byte[] udp(String src, int sp, String dst, int dp, int n, int fill) {
        byte[] payload = new byte[n];
        java.util.Arrays.fill(payload, (byte) fill);
        return udp(src, sp, dst, dp, payload);
    }

    /** An ICMPv4 echo request or reply. */
    public static byte[] echo(String src, String dst, int id, int seq, boolean reply) {
        InetAddress s = addr(src), d = addr(dst);
        Packet.Builder body = reply
                ? new IcmpV4EchoReplyPacket.Builder().identifier((short) id).sequenceNumber((short) seq)
                : new IcmpV4EchoPacket.Builder().identifier((short) id).sequenceNumber((short) seq);
        return ip(s, d, IpNumber.ICMPV4, new IcmpV4CommonPacket.Builder()
                .type(reply ? IcmpV4Type.ECHO_REPLY : IcmpV4Type.ECHO).code(IcmpV4Code.NO_CODE)
                .payloadBuilder(body).correctChecksumAtBuild(true));
    }

    /** An ICMPv4 port unreachable from {@code src} to {@code dst} quoting {@code quoted}. */
    public static byte[] portUnreachable(String src, String dst, byte[] quoted) {
        byte[] body = new byte[4 + quoted.length];
        System.arraycopy(quoted, 0, body, 4, quoted.length);
        return ip(addr(src), addr(dst), IpNumber.ICMPV4, new IcmpV4CommonPacket.Builder()
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
