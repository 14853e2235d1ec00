package io.calloutd.packet;

import io.calloutd.checksum.Ipv4Checksums;
import io.netty.buffer.ByteBuf;

/**
 * Validates an IP packet and fills a {@link ParsedPacket}. Every length is checked before it is
 * used, nothing is allocated, and no input makes it throw. Stateless and thread-safe; the
 * {@link ParsedPacket} is per thread.
 *
 * <p>Trailing bytes beyond the IP length are not an error (Linux trims them). Transport checksums
 * are not verified here (see {@code io.calloutd.checksum}); the IPv4 header checksum is, unless
 * disabled, because Linux drops such packets in {@code ip_rcv}.
 */
public final class PacketParser {
    private final boolean verifyIpv4HeaderChecksum;

    /** A parser that verifies the IPv4 header checksum. */
    public PacketParser() {
        this(true);
    }

    /** A parser that verifies the IPv4 header checksum only if asked. */
    public PacketParser(boolean verifyIpv4HeaderChecksum) {
        this.verifyIpv4HeaderChecksum = verifyIpv4HeaderChecksum;
    }

    /**
     * Parses {@code buf}'s readable bytes as one IP packet. Indices of {@code buf} are not changed.
     *
     * @return null if the packet is valid and {@code out} is filled, otherwise the drop reason
     */
    public DropReason parse(ByteBuf buf, ParsedPacket out) {
        out.reset(buf);
        int start = buf.readerIndex();
        int avail = buf.writerIndex() - start;
        if (avail <= 0) {
            return DropReason.EMPTY;
        }
        int version = buf.getUnsignedByte(start) >>> 4;
        DropReason r;
        if (version == 4) {
            r = parseIpv4(buf, start, avail, out);
        } else if (version == 6) {
            r = parseIpv6(buf, start, avail, out);
        } else {
            r = DropReason.BAD_IP_VERSION;
        }
        if (r != null) {
            out.ipVersion = 0; // a rejected packet must not look usable
        }
        return r;
    }

    private DropReason parseIpv4(ByteBuf buf, int start, int avail, ParsedPacket out) {
        if (avail < Ipv4Header.MIN_LENGTH) {
            return DropReason.IPV4_TRUNCATED_HEADER;
        }
        int ihl = buf.getUnsignedByte(start) & 0x0F;
        if (ihl < 5) {
            return DropReason.IPV4_BAD_IHL;
        }
        int headerLength = ihl << 2;
        if (headerLength > avail) {
            return DropReason.IPV4_TRUNCATED_HEADER;
        }
        int totalLength = buf.getUnsignedShort(start + 2);
        if (totalLength > avail) {
            return DropReason.IPV4_TOTAL_LENGTH_EXCEEDS_BUFFER;
        }
        if (totalLength < headerLength) {
            return DropReason.IPV4_TOTAL_LENGTH_TOO_SHORT;
        }
        if (verifyIpv4HeaderChecksum && !Ipv4Checksums.verify(buf, start)) {
            return DropReason.IPV4_BAD_HEADER_CHECKSUM;
        }
        out.ipv4().wrap(buf, start);
        out.ipVersion = 4;
        out.networkHeaderLength = headerLength;
        out.ipEnd = start + totalLength;
        int flagsOffset = buf.getUnsignedShort(start + 6);
        out.fragmentOffset = (flagsOffset & 0x1FFF) << 3;
        out.moreFragments = (flagsOffset & Ipv4Header.FLAG_MF) != 0;
        out.fragment = out.moreFragments || out.fragmentOffset != 0;
        out.fragmentId = buf.getUnsignedShort(start + 4);
        int protocol = buf.getUnsignedByte(start + 9);
        int l4 = start + headerLength;
        if (out.fragmentOffset != 0) {
            return noTransport(out, protocol, l4);
        }
        return parseTransport(buf, out, 4, protocol, l4);
    }

    private DropReason parseIpv6(ByteBuf buf, int start, int avail, ParsedPacket out) {
        if (avail < Ipv6Header.LENGTH) {
            return DropReason.IPV6_TRUNCATED_HEADER;
        }
        int payloadLength = buf.getUnsignedShort(start + 4);
        if (payloadLength == 0 && buf.getUnsignedByte(start + 6) == IpProtocols.HOP_BY_HOP) {
            // A zero payload length cannot hold the Hop-by-Hop header: only a jumbogram does this.
            return DropReason.IPV6_JUMBOGRAM_UNSUPPORTED;
        }
        if (Ipv6Header.LENGTH + payloadLength > avail) {
            return DropReason.IPV6_PAYLOAD_LENGTH_EXCEEDS_BUFFER;
        }
        int end = start + Ipv6Header.LENGTH + payloadLength;
        Ipv6ExtensionChain chain = out.extensionChain();
        DropReason r = chain.walk(buf, start, end);
        if (r != null) {
            return r;
        }
        out.ipv6().wrap(buf, start);
        out.ipVersion = 6;
        out.ipEnd = end;
        int l4 = chain.upperLayerOffset();
        out.networkHeaderLength = l4 - start;
        int fragmentHeader = chain.fragmentHeaderOffset();
        if (fragmentHeader >= 0) {
            Ipv6FragmentHeader fh = out.ipv6Fragment().wrap(buf, fragmentHeader);
            out.fragment = true;
            out.fragmentHeaderOffset = fragmentHeader;
            out.fragmentOffset = fh.fragmentOffset();
            out.moreFragments = fh.moreFragments();
            out.fragmentId = fh.identification();
        }
        int protocol = chain.upperLayerProtocol();
        if (chain.stoppedAtNonFirstFragment()) {
            return noTransport(out, protocol, l4);
        }
        return parseTransport(buf, out, 6, protocol, l4);
    }

    private static DropReason noTransport(ParsedPacket out, int protocol, int l4) {
        out.transportProtocol = protocol;
        out.transportOffset = l4;
        out.transportHeaderLength = 0;
        out.transportEnd = out.ipEnd;
        out.payloadOffset = l4;
        out.payloadLength = out.ipEnd - l4;
        return null;
    }

    /**
     * Validates the transport header. For (first) fragments a problem is not a drop: the header is
     * simply not exposed, and reassembly decides later.
     */
    private static DropReason parseTransport(ByteBuf buf, ParsedPacket out, int ipVersion, int protocol, int l4) {
        noTransport(out, protocol, l4);
        int remaining = out.ipEnd - l4;
        boolean fragment = out.fragment;
        int headerLength;
        switch (protocol) {
            case IpProtocols.TCP: {
                if (remaining < TcpHeader.MIN_LENGTH) {
                    return fragment ? null : DropReason.TCP_TRUNCATED;
                }
                int dataOffset = buf.getUnsignedByte(l4 + 12) >>> 4;
                headerLength = dataOffset << 2;
                if (dataOffset < 5 || headerLength > remaining) {
                    return fragment ? null : DropReason.TCP_BAD_DATA_OFFSET;
                }
                out.tcp().wrap(buf, l4);
                break;
            }
            case IpProtocols.UDP: {
                if (remaining < UdpHeader.LENGTH) {
                    return fragment ? null : DropReason.UDP_TRUNCATED;
                }
                headerLength = UdpHeader.LENGTH;
                if (!fragment) {
                    // The UDP length may be shorter than the IP payload (Linux trims); never longer.
                    int udpLength = buf.getUnsignedShort(l4 + 4);
                    if (udpLength < UdpHeader.LENGTH || udpLength > remaining) {
                        return DropReason.UDP_BAD_LENGTH;
                    }
                    out.transportEnd = l4 + udpLength;
                }
                out.udp().wrap(buf, l4);
                break;
            }
            case IpProtocols.ICMP: {
                if (ipVersion != 4) {
                    return null;
                }
                if (remaining < IcmpHeader.LENGTH) {
                    return fragment ? null : DropReason.ICMP_TRUNCATED;
                }
                headerLength = IcmpHeader.LENGTH;
                out.icmp().wrap(buf, l4);
                break;
            }
            case IpProtocols.ICMPV6: {
                if (ipVersion != 6) {
                    return null;
                }
                if (remaining < Icmpv6Header.LENGTH) {
                    return fragment ? null : DropReason.ICMPV6_TRUNCATED;
                }
                headerLength = Icmpv6Header.LENGTH;
                out.icmpv6().wrap(buf, l4);
                break;
            }
            default:
                return null;
        }
        out.transportHeaderLength = headerLength;
        out.payloadOffset = l4 + headerLength;
        out.payloadLength = out.transportEnd - out.payloadOffset;
        return null;
    }
}
