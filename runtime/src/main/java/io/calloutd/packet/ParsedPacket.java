package io.calloutd.packet;

import io.netty.buffer.ByteBuf;

/**
 * Result of {@link PacketParser#parse}: offsets (absolute buffer indices) and fragment facts of one
 * packet, plus views already wrapped at the right places. Mutable and reused: keep one per reader
 * thread; its contents are valid until the next parse and only if that parse returned null.
 *
 * <p>Which views are valid: {@link #ipv4()} when {@link #ipVersion()} is 4, {@link #ipv6()} when 6;
 * {@link #tcp()}, {@link #udp()}, {@link #icmp()}, {@link #icmpv6()} only when
 * {@link #hasTransportHeader()} and {@link #transportProtocol()} matches (ICMP only over IPv4,
 * ICMPv6 only over IPv6). Non-first fragments never have a transport header; first fragments have
 * one only if it is complete (transport validation is then left to reassembly).
 */
public final class ParsedPacket {
    private final Ipv4Header ipv4 = new Ipv4Header();
    private final Ipv6Header ipv6 = new Ipv6Header();
    private final Ipv6FragmentHeader ipv6Fragment = new Ipv6FragmentHeader();
    private final Ipv6ExtensionChain extensionChain = new Ipv6ExtensionChain();
    private final TcpHeader tcp = new TcpHeader();
    private final UdpHeader udp = new UdpHeader();
    private final IcmpHeader icmp = new IcmpHeader();
    private final Icmpv6Header icmpv6 = new Icmpv6Header();

    ByteBuf buffer;
    int ipVersion;
    int networkOffset;
    int networkHeaderLength;
    int ipEnd;
    int transportProtocol;
    int transportOffset;
    int transportHeaderLength;
    int transportEnd;
    int payloadOffset;
    int payloadLength;
    boolean fragment;
    int fragmentOffset;
    boolean moreFragments;
    int fragmentId;
    int fragmentHeaderOffset;

    void reset(ByteBuf buf) {
        buffer = buf;
        ipVersion = 0;
        networkOffset = buf.readerIndex();
        networkHeaderLength = 0;
        ipEnd = networkOffset;
        transportProtocol = -1;
        transportOffset = networkOffset;
        transportHeaderLength = 0;
        transportEnd = networkOffset;
        payloadOffset = networkOffset;
        payloadLength = 0;
        fragment = false;
        fragmentOffset = 0;
        moreFragments = false;
        fragmentId = 0;
        fragmentHeaderOffset = -1;
    }

    /** The buffer parsed last. */
    public ByteBuf buffer() { return buffer; }
    /** 4 or 6 (0 after a failed parse). */
    public int ipVersion() { return ipVersion; }
    /** Absolute index of the IP header (the buffer's reader index at parse time). */
    public int networkOffset() { return networkOffset; }
    /** IPv4: IHL*4. IPv6: 40 plus extension headers up to the upper-layer header. */
    public int networkHeaderLength() { return networkHeaderLength; }
    /** Absolute index one past the IP packet (IPv4 total length / IPv6 40 + payload length). */
    public int ipEnd() { return ipEnd; }
    /** IP packet length (trailing buffer bytes beyond it are ignored, as Linux trims them). */
    public int ipLength() { return ipEnd - networkOffset; }
    /** Bytes in the buffer after the IP packet's end (logically trimmed). */
    public int trailingBytes() { return buffer.writerIndex() - ipEnd; }
    /** Upper-layer protocol number (after the IPv6 extension chain). */
    public int transportProtocol() { return transportProtocol; }
    /** Absolute index of the upper-layer header (or of the unparsed remainder). */
    public int transportOffset() { return transportOffset; }
    /** Length of the validated transport header, 0 if there is none. */
    public int transportHeaderLength() { return transportHeaderLength; }
    /** True if a complete transport header was parsed and its view is valid. */
    public boolean hasTransportHeader() { return transportHeaderLength > 0; }
    /**
     * Bytes covered by the transport checksum: UDP length for UDP, otherwise up to {@link #ipEnd()}.
     */
    public int transportLength() { return transportEnd - transportOffset; }
    /** Absolute index of the transport payload. */
    public int payloadOffset() { return payloadOffset; }
    /** Length of the transport payload. */
    public int payloadLength() { return payloadLength; }
    /** True if this packet is a fragment (IPv4 MF or offset, or an IPv6 Fragment header). */
    public boolean isFragment() { return fragment; }
    /** True for a fragment with offset 0. */
    public boolean isFirstFragment() { return fragment && fragmentOffset == 0; }
    /** Fragment offset in bytes. */
    public int fragmentOffset() { return fragmentOffset; }
    /** More Fragments flag. */
    public boolean moreFragments() { return moreFragments; }
    /** IPv4 16-bit identification or IPv6 32-bit identification (only meaningful for fragments). */
    public int fragmentId() { return fragmentId; }
    /** Absolute index of the IPv6 Fragment header, -1 if none. */
    public int fragmentHeaderOffset() { return fragmentHeaderOffset; }

    /** IPv4 header view. */
    public Ipv4Header ipv4() { return ipv4; }
    /** IPv6 fixed header view. */
    public Ipv6Header ipv6() { return ipv6; }
    /** IPv6 Fragment header view (valid if {@link #fragmentHeaderOffset()} &ge; 0). */
    public Ipv6FragmentHeader ipv6Fragment() { return ipv6Fragment; }
    /** The IPv6 extension chain of the last IPv6 parse. */
    public Ipv6ExtensionChain extensionChain() { return extensionChain; }
    /** TCP header view. */
    public TcpHeader tcp() { return tcp; }
    /** UDP header view. */
    public UdpHeader udp() { return udp; }
    /** ICMPv4 header view. */
    public IcmpHeader icmp() { return icmp; }
    /** ICMPv6 header view. */
    public Icmpv6Header icmpv6() { return icmpv6; }
}
