package io.calloutd.callouts;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV4EchoPacket;
import org.pcap4j.packet.IcmpV4EchoReplyPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.IpV6SimpleFlowLabel;
import org.pcap4j.packet.IpV6SimpleTrafficClass;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IcmpV4Code;
import org.pcap4j.packet.namednumber.IcmpV4Type;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.UdpPort;

/** Real packets built by pcap4j (an independent implementation of headers and checksums). */
public final class Packets {
    private Packets() { }

    public static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    /** A UDP datagram whose payload is {@code payload} bytes of value {@code fill}. */
    public static byte[] udp(String src, int sp, String dst, int dp, int payload, int fill) {
        InetAddress s = addr(src), d = addr(dst);
        byte[] data = new byte[payload];
        java.util.Arrays.fill(data, (byte) fill);
        UdpPacket.Builder u = new UdpPacket.Builder().srcPort(UdpPort.getInstance((short) sp))
                .dstPort(UdpPort.getInstance((short) dp)).payloadBuilder(new UnknownPacket.Builder().rawData(data))
                .srcAddr(s).dstAddr(d).correctLengthAtBuild(true).correctChecksumAtBuild(true);
        return ip(s, d, IpNumber.UDP, u);
    }

    public static final int SYN = 2, ACK = 16;

    /** A TCP segment with {@code payload} zero bytes. */
    public static byte[] tcp(String src, int sp, String dst, int dp, int flags, int seq, int ack, int payload) {
        InetAddress s = addr(src), d = addr(dst);
        org.pcap4j.packet.TcpPacket.Builder t = new org.pcap4j.packet.TcpPacket.Builder()
                .srcPort(org.pcap4j.packet.namednumber.TcpPort.getInstance((short) sp))
                .dstPort(org.pcap4j.packet.namednumber.TcpPort.getInstance((short) dp)).sequenceNumber(seq)
                .acknowledgmentNumber(ack).syn((flags & SYN) != 0).ack((flags & ACK) != 0).window((short) 8192)
                .payloadBuilder(payload > 0 ? new UnknownPacket.Builder().rawData(new byte[payload]) : null)
                .srcAddr(s).dstAddr(d).correctLengthAtBuild(true).correctChecksumAtBuild(true).paddingAtBuild(true);
        return ip(s, d, IpNumber.TCP, t);
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

    private static byte[] ip(InetAddress s, InetAddress d, IpNumber proto, Packet.Builder l4) {
        if (s instanceof Inet6Address s6) {
            return new IpV6Packet.Builder().version(IpVersion.IPV6).trafficClass(IpV6SimpleTrafficClass.newInstance((byte) 0))
                    .flowLabel(IpV6SimpleFlowLabel.newInstance(0)).nextHeader(proto).hopLimit((byte) 64)
                    .srcAddr(s6).dstAddr((Inet6Address) d).payloadBuilder(l4).correctLengthAtBuild(true)
                    .build().getRawData();
        }
        return new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc791Tos.newInstance((byte) 0)).ttl((byte) 64)
                .protocol(proto).srcAddr((java.net.Inet4Address) s).dstAddr((java.net.Inet4Address) d)
                .payloadBuilder(l4).correctChecksumAtBuild(true).correctLengthAtBuild(true).identification((short) 1)
                .build().getRawData();
    }
}
