package io.calloutd.testing.fragments;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.IpV6ExtDestinationOptionsPacket;
import org.pcap4j.packet.IpV6ExtFragmentPacket;
import org.pcap4j.packet.IpV6ExtHopByHopOptionsPacket;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.IpV6PadNOption;
import org.pcap4j.packet.IpV6SimpleFlowLabel;
import org.pcap4j.packet.IpV6SimpleTrafficClass;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.UdpPort;

/**
 * Builds test datagrams and hand-placed fragments with pcap4j (an implementation independent of the code
 * under test), for IPv4 and IPv6. Fragments may carry arbitrary offsets, lengths and flags so that overlap
 * and attack layouts can be expressed exactly.
 */
public final class FragmentPackets {
    /** IPv4 source used by the tests (benchmarking range). */
    public static final Inet4Address SRC4 = v4("198.18.0.1");
    /** IPv4 destination. */
    public static final Inet4Address DST4 = v4("198.19.0.2");
    /** IPv6 source (ULA). */
    public static final Inet6Address SRC6 = v6("fd00::1");
    /** IPv6 destination. */
    public static final Inet6Address DST6 = v6("fd00::2");

    private FragmentPackets() {
    }

    /** Seeded pseudo-random bytes. */
    public static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** An IPv4/UDP datagram whose UDP payload has {@code udpDataLength} seeded random bytes. */
    public static IpV4Packet udpV4(int udpDataLength, int id, boolean dontFragment, long seed) {
        return v4Builder(id, IpNumber.UDP).dontFragmentFlag(dontFragment)
                .payloadBuilder(udp(udpDataLength, seed, SRC4, DST4)).build();
    }

    /** An IPv4 header builder with test defaults; lengths and checksum corrected at build time. */
    public static IpV4Packet.Builder v4Builder(int id, IpNumber protocol) {
        return new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc791Tos.newInstance((byte) 0))
                .identification((short) id).ttl((byte) 64).protocol(protocol).srcAddr(SRC4).dstAddr(DST4)
                .correctChecksumAtBuild(true).correctLengthAtBuild(true).paddingAtBuild(true);
    }

    /**
     * One IPv4 fragment of {@code original}: {@code length} payload bytes from byte {@code offset} of its
     * payload (offset must be a multiple of 8).
     */
    public static byte[] v4Fragment(IpV4Packet original, int offset, int length, boolean more) {
        byte[] payload = original.getPayload().getRawData();
        return v4FragmentWith(original, offset, Arrays.copyOfRange(payload, offset, offset + length), more);
    }

    /** An IPv4 fragment with the header fields of {@code original} and explicit data. */
    public static byte[] v4FragmentWith(IpV4Packet original, int offset, byte[] data, boolean more) {
        if (offset % 8 != 0) {
            throw new IllegalArgumentException("offset not a multiple of 8");
        }
        IpV4Packet.IpV4Header h = original.getHeader();
        return v4Builder(h.getIdentificationAsInt(), h.getProtocol()).options(h.getOptions())
                .moreFragmentFlag(more).fragmentOffset((short) (offset / 8))
                .payloadBuilder(new UnknownPacket.Builder().rawData(data)).build().getRawData();
    }

    /** Splits the payload of {@code original} into consecutive fragments of {@code chunk} bytes. */
    public static List<byte[]> v4Split(IpV4Packet original, int chunk) {
        int n = original.getPayload().length();
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < n; off += chunk) {
            int len = Math.min(chunk, n - off);
            out.add(v4Fragment(original, off, len, off + len < n));
        }
        return out;
    }

    /** An IPv6/UDP packet, optionally with hop-by-hop and destination options headers before UDP. */
    public static IpV6Packet udpV6(int udpDataLength, boolean extensionHeaders, long seed) {
        return v6Chain(extensionHeaders, IpNumber.UDP, udp(udpDataLength, seed, SRC6, DST6)).build();
    }

    /**
     * One IPv6 fragment of {@code original} (built by {@link #udpV6}): its extension headers, then a fragment
     * header with {@code id}, then {@code length} bytes from {@code offset} of the UDP part.
     */
    public static byte[] v6Fragment(IpV6Packet original, boolean extensionHeaders, int id, int offset, int length,
                                    boolean more) {
        byte[] udp = udpPart(original, extensionHeaders);
        return v6FragmentWith(extensionHeaders, IpNumber.UDP, id, offset,
                Arrays.copyOfRange(udp, offset, offset + length), more);
    }

    /** An IPv6 fragment with explicit data and upper-layer next header. */
    public static byte[] v6FragmentWith(boolean extensionHeaders, IpNumber upper, int id, int offset, byte[] data,
                                        boolean more) {
        IpV6ExtFragmentPacket.Builder frag = new IpV6ExtFragmentPacket.Builder().nextHeader(upper)
                .reserved((byte) 0).res((byte) 0).fragmentOffset((short) (offset / 8)).m(more).identification(id)
                .payloadBuilder(new UnknownPacket.Builder().rawData(data));
        return v6Chain(extensionHeaders, IpNumber.IPV6_FRAG, frag).build().getRawData();
    }

    /** Splits the UDP part of {@code original} into fragments of {@code chunk} bytes. */
    public static List<byte[]> v6Split(IpV6Packet original, boolean extensionHeaders, int id, int chunk) {
        int n = udpPart(original, extensionHeaders).length;
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < n; off += chunk) {
            int len = Math.min(chunk, n - off);
            out.add(v6Fragment(original, extensionHeaders, id, off, len, off + len < n));
        }
        return out;
    }

    /** The UDP header + data of a packet built by {@link #udpV6}. */
    public static byte[] udpPart(IpV6Packet original, boolean extensionHeaders) {
        Packet p = original.getPayload();
        if (extensionHeaders) {
            p = p.getPayload().getPayload();
        }
        return p.getRawData();
    }

    private static IpV6Packet.Builder v6Chain(boolean ext, IpNumber last, Packet.Builder payload) {
        Packet.Builder inner = payload;
        IpNumber first = last;
        if (ext) {
            IpV6ExtDestinationOptionsPacket.Builder dst = new IpV6ExtDestinationOptionsPacket.Builder();
            dst.nextHeader(last).options(List.of(padN(4))).correctLengthAtBuild(true);
            dst.payloadBuilder(inner);
            IpV6ExtHopByHopOptionsPacket.Builder hbh = new IpV6ExtHopByHopOptionsPacket.Builder();
            hbh.nextHeader(IpNumber.IPV6_DST_OPTS).options(List.of(padN(12))).correctLengthAtBuild(true);
            hbh.payloadBuilder(dst);
            inner = hbh;
            first = IpNumber.IPV6_HOPOPT;
        }
        return new IpV6Packet.Builder().version(IpVersion.IPV6)
                .trafficClass(IpV6SimpleTrafficClass.newInstance((byte) 0))
                .flowLabel(IpV6SimpleFlowLabel.newInstance(0)).nextHeader(first).hopLimit((byte) 64)
                .srcAddr(SRC6).dstAddr(DST6).payloadBuilder(inner).correctLengthAtBuild(true);
    }

    private static IpV6PadNOption padN(int dataLength) {
        return new IpV6PadNOption.Builder().data(new byte[dataLength]).dataLen((byte) dataLength)
                .correctLengthAtBuild(true).build();
    }

    private static UdpPacket.Builder udp(int dataLength, long seed, InetAddress src, InetAddress dst) {
        return new UdpPacket.Builder().srcPort(UdpPort.getInstance((short) 40000))
                .dstPort(UdpPort.getInstance((short) 9000)).srcAddr(src).dstAddr(dst)
                .payloadBuilder(new UnknownPacket.Builder().rawData(randomBytes(dataLength, seed)))
                .correctChecksumAtBuild(true).correctLengthAtBuild(true);
    }

    private static Inet4Address v4(String s) {
        try {
            return (Inet4Address) InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Inet6Address v6(String s) {
        try {
            return (Inet6Address) InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
