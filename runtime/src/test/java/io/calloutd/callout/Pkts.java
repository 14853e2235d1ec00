package io.calloutd.callout;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc1349Tos;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpPort;
import org.pcap4j.packet.namednumber.UdpPort;

/** IPv4 test packets built by pcap4j (independent of our parser); addresses in 198.18.0.0/15. */
final class Pkts {
    static final String A = "198.18.0.1", B = "198.19.0.2";

    private Pkts() { }

    static Inet4Address addr(String s) {
        try {
            return (Inet4Address) InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    static byte[] udp(int sp, int dp, int payload) {
        Inet4Address s = addr(A), d = addr(B);
        UdpPacket.Builder u = new UdpPacket.Builder().srcPort(UdpPort.getInstance((short) sp))
                .dstPort(UdpPort.getInstance((short) dp)).payloadBuilder(raw(payload))
                .srcAddr(s).dstAddr(d).correctLengthAtBuild(true).correctChecksumAtBuild(true);
        return ip(s, d, IpNumber.UDP, u);
    }

    /** TCP ACK with {@code payload} bytes of 'a'. */
    static byte[] tcp(int sp, int dp, int payload) { return tcp(sp, dp, payload, false, false); }

    /** TCP segment with ACK (unless SYN) and optional SYN/RST. */
    static byte[] tcp(int sp, int dp, int payload, boolean syn, boolean rst) {
        Inet4Address s = addr(A), d = addr(B);
        TcpPacket.Builder t = new TcpPacket.Builder().srcPort(TcpPort.getInstance((short) sp))
                .dstPort(TcpPort.getInstance((short) dp)).sequenceNumber(1000).acknowledgmentNumber(2000)
                .ack(!syn).syn(syn).rst(rst).window((short) 8192).payloadBuilder(payload > 0 ? raw(payload) : null)
                .srcAddr(s).dstAddr(d).correctLengthAtBuild(true).correctChecksumAtBuild(true).paddingAtBuild(true);
        return ip(s, d, IpNumber.TCP, t);
    }

    private static UnknownPacket.Builder raw(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) 'a');
        return new UnknownPacket.Builder().rawData(b);
    }

    private static byte[] ip(Inet4Address s, Inet4Address d, IpNumber proto, Packet.Builder l4) {
        return new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc1349Tos.newInstance((byte) 0))
                .identification((short) 7).ttl((byte) 64).protocol(proto).srcAddr(s).dstAddr(d).payloadBuilder(l4)
                .correctChecksumAtBuild(true).correctLengthAtBuild(true).build().getRawData();
    }

    /** pcap4j's view of raw IPv4 bytes. */
    static IpV4Packet parse(byte[] raw) {
        try {
            return IpV4Packet.newPacket(raw, 0, raw.length);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** True if the IPv4 header checksum and the TCP/UDP checksum (UDP 0 allowed) are valid, per pcap4j. */
    static boolean checksumsValid(byte[] raw) {
        IpV4Packet p = parse(raw);
        if (!p.getHeader().hasValidChecksum(false)) return false;
        Inet4Address s = p.getHeader().getSrcAddr(), d = p.getHeader().getDstAddr();
        TcpPacket t = p.get(TcpPacket.class);
        if (t != null) return t.hasValidChecksum(s, d, false);
        UdpPacket u = p.get(UdpPacket.class);
        return u == null || u.hasValidChecksum(s, d, true);
    }
}
