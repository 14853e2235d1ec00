package io.calloutd.testing.packets;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV4EchoPacket;
import org.pcap4j.packet.IcmpV6CommonPacket;
import org.pcap4j.packet.IcmpV6EchoRequestPacket;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IpV4EndOfOptionList;
import org.pcap4j.packet.IpV4NoOperationOption;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4RecordRouteOption;
import org.pcap4j.packet.IpV4Rfc1349Tos;
import org.pcap4j.packet.IpV6ExtDestinationOptionsPacket;
import org.pcap4j.packet.IpV6ExtFragmentPacket;
import org.pcap4j.packet.IpV6ExtHopByHopOptionsPacket;
import org.pcap4j.packet.IpV6ExtOptionsPacket;
import org.pcap4j.packet.IpV6ExtRoutingPacket;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.IpV6PadNOption;
import org.pcap4j.packet.IpV6RoutingSourceRouteData;
import org.pcap4j.packet.IpV6SimpleFlowLabel;
import org.pcap4j.packet.IpV6SimpleTrafficClass;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpMaximumSegmentSizeOption;
import org.pcap4j.packet.TcpNoOperationOption;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.TcpSackPermittedOption;
import org.pcap4j.packet.TcpTimestampsOption;
import org.pcap4j.packet.TcpWindowScaleOption;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IcmpV4Code;
import org.pcap4j.packet.namednumber.IcmpV4Type;
import org.pcap4j.packet.namednumber.IcmpV6Code;
import org.pcap4j.packet.namednumber.IcmpV6Type;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpV6RoutingType;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpPort;
import org.pcap4j.packet.namednumber.UdpPort;

/**
 * Builds random but well-formed IP packets with pcap4j (an implementation independent of ours),
 * with lengths and checksums computed by pcap4j. Addresses come from 198.18.0.0/15 and fd00::/8.
 */
public final class TestPackets {

    /** Upper-layer protocol of a generated packet. */
    public enum Transport {
        /** TCP with random options. */
        TCP,
        /** UDP. */
        UDP,
        /** ICMP echo request (ICMPv4 over IPv4, ICMPv6 over IPv6). */
        ICMP_ECHO,
        /** Protocol 253 (experimental) with opaque payload. */
        RAW
    }

    /** IPv6 extension headers that can be put in a chain. */
    public enum Ext {
        /** Hop-by-Hop Options (must be first). */
        HOP_BY_HOP,
        /** Routing header type 0 with addresses. */
        ROUTING,
        /** Destination Options. */
        DESTINATION_OPTIONS,
        /** Fragment header. */
        FRAGMENT
    }

    private TestPackets() {}

    /** Random address in 198.18.0.0/15. */
    public static Inet4Address v4Address(Random r) {
        byte[] a = {(byte) 198, (byte) (18 + r.nextInt(2)), (byte) r.nextInt(256), (byte) r.nextInt(256)};
        try {
            return (Inet4Address) InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Random address in fd00::/8. */
    public static Inet6Address v6Address(Random r) {
        byte[] a = new byte[16];
        r.nextBytes(a);
        a[0] = (byte) 0xfd;
        try {
            return (Inet6Address) InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Random bytes. */
    public static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** A non-fragmented IPv4 packet, optionally with options (NOP, record route, EOL). */
    public static byte[] ipv4(Random r, Transport t, boolean options, int payloadLength) {
        return ipv4(r, t, options, payloadLength, 0, false);
    }

    /**
     * An IPv4 packet that may be a fragment. A non-zero {@code fragmentOffsetBytes} (multiple of 8)
     * makes the payload opaque bytes, as in a real non-first fragment.
     */
    public static byte[] ipv4(Random r, Transport t, boolean options, int payloadLength,
                              int fragmentOffsetBytes, boolean moreFragments) {
        Inet4Address src = v4Address(r);
        Inet4Address dst = v4Address(r);
        Packet.Builder l4 = fragmentOffsetBytes != 0
                ? new UnknownPacket.Builder().rawData(bytes(r, payloadLength))
                : transport(r, t, src, dst, false, payloadLength);
        IpV4Packet.Builder b = new IpV4Packet.Builder()
                .version(IpVersion.IPV4)
                .tos(IpV4Rfc1349Tos.newInstance((byte) r.nextInt(256)))
                .identification((short) r.nextInt(65536))
                .dontFragmentFlag(fragmentOffsetBytes == 0 && !moreFragments && r.nextBoolean())
                .moreFragmentFlag(moreFragments)
                .fragmentOffset((short) (fragmentOffsetBytes >>> 3))
                .ttl((byte) (1 + r.nextInt(255)))
                .protocol(protocol(t, false))
                .srcAddr(src)
                .dstAddr(dst)
                .payloadBuilder(l4)
                .paddingAtBuild(true)
                .correctChecksumAtBuild(true)
                .correctLengthAtBuild(true);
        if (options) {
            List<IpV4Packet.IpV4Option> opts = new ArrayList<>();
            opts.add(IpV4NoOperationOption.getInstance());
            List<Inet4Address> route = new ArrayList<>();
            int n = 1 + r.nextInt(4);
            for (int i = 0; i < n; i++) {
                route.add(v4Address(r));
            }
            opts.add(new IpV4RecordRouteOption.Builder().pointer((byte) 4).routeData(route)
                    .correctLengthAtBuild(true).build());
            opts.add(IpV4EndOfOptionList.getInstance());
            b.options(opts);
        }
        return b.build().getRawData();
    }

    /** A non-fragmented IPv6 packet with the given extension chain (in order). */
    public static byte[] ipv6(Random r, Transport t, List<Ext> chain, int payloadLength) {
        return ipv6(r, t, chain, payloadLength, 0, false);
    }

    /**
     * An IPv6 packet with the given extension chain; a {@link Ext#FRAGMENT} entry gets the given
     * offset/M flag, and a non-zero offset makes everything after it opaque bytes.
     */
    public static byte[] ipv6(Random r, Transport t, List<Ext> chain, int payloadLength,
                              int fragmentOffsetBytes, boolean moreFragments) {
        Inet6Address src = v6Address(r);
        Inet6Address dst = v6Address(r);
        int fragIndex = chain.indexOf(Ext.FRAGMENT);
        boolean opaque = fragIndex >= 0 && fragmentOffsetBytes != 0;
        Packet.Builder inner;
        IpNumber innerProto = protocol(t, true);
        int last = chain.size() - 1;
        if (opaque) {
            inner = new UnknownPacket.Builder().rawData(bytes(r, payloadLength));
            // Headers after the fragment header are part of the opaque fragmentable data.
            if (fragIndex < last) {
                innerProto = extNumber(chain.get(fragIndex + 1));
            }
            last = fragIndex;
        } else {
            inner = transport(r, t, src, dst, true, payloadLength);
        }
        IpNumber next = innerProto;
        for (int i = last; i >= 0; i--) {
            inner = ext(r, chain.get(i), next, inner, fragmentOffsetBytes, moreFragments);
            next = extNumber(chain.get(i));
        }
        return new IpV6Packet.Builder()
                .version(IpVersion.IPV6)
                .trafficClass(IpV6SimpleTrafficClass.newInstance((byte) r.nextInt(256)))
                .flowLabel(IpV6SimpleFlowLabel.newInstance(r.nextInt(1 << 20)))
                .nextHeader(next)
                .hopLimit((byte) (1 + r.nextInt(255)))
                .srcAddr(src)
                .dstAddr(dst)
                .payloadBuilder(inner)
                .correctLengthAtBuild(true)
                .build().getRawData();
    }

    /** IANA number of an extension header. */
    public static IpNumber extNumber(Ext e) {
        switch (e) {
            case HOP_BY_HOP: return IpNumber.IPV6_HOPOPT;
            case ROUTING: return IpNumber.IPV6_ROUTE;
            case DESTINATION_OPTIONS: return IpNumber.IPV6_DST_OPTS;
            default: return IpNumber.IPV6_FRAG;
        }
    }

    /** Protocol number of a transport over IPv4 or IPv6. */
    public static IpNumber protocol(Transport t, boolean v6) {
        switch (t) {
            case TCP: return IpNumber.TCP;
            case UDP: return IpNumber.UDP;
            case ICMP_ECHO: return v6 ? IpNumber.ICMPV6 : IpNumber.ICMPV4;
            default: return IpNumber.getInstance((byte) 253);
        }
    }

    private static Packet.Builder ext(Random r, Ext e, IpNumber next, Packet.Builder inner,
                                      int fragmentOffsetBytes, boolean more) {
        switch (e) {
            case HOP_BY_HOP:
                return options(new IpV6ExtHopByHopOptionsPacket.Builder(), r, next, inner);
            case DESTINATION_OPTIONS:
                return options(new IpV6ExtDestinationOptionsPacket.Builder(), r, next, inner);
            case ROUTING: {
                List<Inet6Address> addrs = new ArrayList<>();
                int n = 1 + r.nextInt(3);
                for (int i = 0; i < n; i++) {
                    addrs.add(v6Address(r));
                }
                return new IpV6ExtRoutingPacket.Builder().nextHeader(next)
                        .routingType(IpV6RoutingType.SOURCE_ROUTE).segmentsLeft((byte) 0)
                        .data(new IpV6RoutingSourceRouteData(0, addrs))
                        .payloadBuilder(inner).correctLengthAtBuild(true);
            }
            default:
                return new IpV6ExtFragmentPacket.Builder().nextHeader(next)
                        .fragmentOffset((short) (fragmentOffsetBytes >>> 3)).m(more)
                        .identification(r.nextInt()).reserved((byte) 0).res((byte) 0)
                        .payloadBuilder(inner);
        }
    }

    private static Packet.Builder options(IpV6ExtOptionsPacket.Builder b, Random r, IpNumber next,
                                          Packet.Builder inner) {
        // One PadN option sized so the header is a multiple of 8 bytes: 2 + (2 + n) = 8k.
        int dataLen = 4 + 8 * r.nextInt(3);
        List<IpV6ExtOptionsPacket.IpV6Option> opts = new ArrayList<>();
        opts.add(new IpV6PadNOption.Builder().data(new byte[dataLen]).correctLengthAtBuild(true).build());
        return b.nextHeader(next).options(opts).payloadBuilder(inner).correctLengthAtBuild(true);
    }

    private static Packet.Builder transport(Random r, Transport t, InetAddress src, InetAddress dst,
                                            boolean v6, int payloadLength) {
        UnknownPacket.Builder payload = payloadLength > 0
                ? new UnknownPacket.Builder().rawData(bytes(r, payloadLength)) : null;
        switch (t) {
            case TCP: {
                List<TcpPacket.TcpOption> opts = new ArrayList<>();
                if (r.nextBoolean()) {
                    opts.add(new TcpMaximumSegmentSizeOption.Builder().maxSegSize((short) (536 + r.nextInt(9000)))
                            .correctLengthAtBuild(true).build());
                }
                if (r.nextBoolean()) {
                    opts.add(TcpNoOperationOption.getInstance());
                    opts.add(new TcpWindowScaleOption.Builder().shiftCount((byte) r.nextInt(15))
                            .correctLengthAtBuild(true).build());
                }
                if (r.nextBoolean()) {
                    opts.add(TcpSackPermittedOption.getInstance());
                }
                if (r.nextBoolean()) {
                    opts.add(new TcpTimestampsOption.Builder().tsValue(r.nextInt()).tsEchoReply(r.nextInt())
                            .correctLengthAtBuild(true).build());
                }
                return new TcpPacket.Builder()
                        .srcPort(TcpPort.getInstance(port(r))).dstPort(TcpPort.getInstance(port(r)))
                        .sequenceNumber(r.nextInt()).acknowledgmentNumber(r.nextInt())
                        .urg(r.nextBoolean()).ack(r.nextBoolean()).psh(r.nextBoolean())
                        .rst(r.nextBoolean()).syn(r.nextBoolean()).fin(r.nextBoolean())
                        .window((short) r.nextInt(65536)).urgentPointer((short) r.nextInt(65536))
                        .options(opts).paddingAtBuild(true)
                        .payloadBuilder(payload)
                        .srcAddr(src).dstAddr(dst)
                        .correctLengthAtBuild(true).correctChecksumAtBuild(true);
            }
            case UDP:
                return new UdpPacket.Builder()
                        .srcPort(UdpPort.getInstance(port(r))).dstPort(UdpPort.getInstance(port(r)))
                        .payloadBuilder(payload)
                        .srcAddr(src).dstAddr(dst)
                        .correctLengthAtBuild(true).correctChecksumAtBuild(true);
            case ICMP_ECHO:
                if (v6) {
                    return new IcmpV6CommonPacket.Builder().type(IcmpV6Type.ECHO_REQUEST).code(IcmpV6Code.NO_CODE)
                            .payloadBuilder(new IcmpV6EchoRequestPacket.Builder()
                                    .identifier((short) r.nextInt(65536)).sequenceNumber((short) r.nextInt(65536))
                                    .payloadBuilder(payload))
                            .srcAddr((Inet6Address) src).dstAddr((Inet6Address) dst)
                            .correctChecksumAtBuild(true);
                }
                return new IcmpV4CommonPacket.Builder().type(IcmpV4Type.ECHO).code(IcmpV4Code.NO_CODE)
                        .payloadBuilder(new IcmpV4EchoPacket.Builder()
                                .identifier((short) r.nextInt(65536)).sequenceNumber((short) r.nextInt(65536))
                                .payloadBuilder(payload))
                        .correctChecksumAtBuild(true);
            default:
                return new UnknownPacket.Builder().rawData(bytes(r, Math.max(1, payloadLength)));
        }
    }

    /** Ports away from the well-known ones pcap4j would try to decode (DNS, SSH, GTP...). */
    private static short port(Random r) {
        return (short) (10000 + r.nextInt(50000));
    }

    /** Parses raw bytes with pcap4j, as an independent oracle. */
    public static Packet parse(byte[] raw) {
        try {
            int version = (raw[0] & 0xFF) >>> 4;
            return version == 4 ? IpV4Packet.newPacket(raw, 0, raw.length) : IpV6Packet.newPacket(raw, 0, raw.length);
        } catch (IllegalRawDataException e) {
            throw new AssertionError("pcap4j rejects a packet it built", e);
        }
    }
}
