package io.calloutd.classify;

import io.calloutd.packet.IpProtocols;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.pipeline.Direction;
import io.netty.buffer.ByteBuf;

/**
 * What the classifier knows about one packet, read once from the parsed headers and then reused for every layer
 * the packet crosses. "Local" is the protected host's side: the source of an outbound packet, the destination of
 * an inbound one. For ICMP, the type and code stand in the local and remote port slots, as WFP's field aliases do.
 * Reused per packet thread; allocation-free.
 */
final class PacketFacts {
    int version;
    Direction direction;
    int protocol;
    /** IPv4: {@code localLow}/{@code remoteLow} hold the address in their low 32 bits; IPv6: both halves. */
    long localHigh, localLow, remoteHigh, remoteLow;
    int localPort, remotePort;
    int icmpType = -1, icmpCode = -1;
    int tcpFlags;
    int ipLength;
    int payloadLength;
    boolean icmpError;
    /** Quoted packet of an ICMP error (valid when {@link #embeddedValid}). */
    boolean embeddedValid;
    int embeddedProtocol;
    long embeddedRemoteHigh, embeddedRemoteLow;
    int embeddedLocalPort, embeddedRemotePort;

    void read(ParsedPacket p, Direction d) {
        version = p.ipVersion();
        direction = d;
        protocol = p.transportProtocol();
        ipLength = p.ipLength();
        payloadLength = p.payloadLength();
        boolean out = d == Direction.OUTBOUND;
        if (version == 4) {
            long src = p.ipv4().sourceAddress() & 0xFFFF_FFFFL;
            long dst = p.ipv4().destinationAddress() & 0xFFFF_FFFFL;
            localHigh = 0;
            remoteHigh = 0;
            localLow = out ? src : dst;
            remoteLow = out ? dst : src;
        } else {
            long sh = p.ipv6().sourceAddressHigh(), sl = p.ipv6().sourceAddressLow();
            long dh = p.ipv6().destinationAddressHigh(), dl = p.ipv6().destinationAddressLow();
            localHigh = out ? sh : dh;
            localLow = out ? sl : dl;
            remoteHigh = out ? dh : sh;
            remoteLow = out ? dl : sl;
        }
        localPort = 0;
        remotePort = 0;
        icmpType = -1;
        icmpCode = -1;
        tcpFlags = 0;
        icmpError = false;
        embeddedValid = false;
        if (!p.hasTransportHeader()) {
            return;
        }
        if (protocol == IpProtocols.TCP) {
            tcpFlags = p.tcp().flags();
            ports(p.tcp().sourcePort(), p.tcp().destinationPort(), out);
        } else if (protocol == IpProtocols.UDP) {
            ports(p.udp().sourcePort(), p.udp().destinationPort(), out);
        } else if (protocol == IpProtocols.ICMP) {
            icmpType = p.icmp().type();
            icmpCode = p.icmp().code();
            localPort = icmpType;
            remotePort = icmpCode;
            icmpError = icmpType == 3 || icmpType == 4 || icmpType == 5 || icmpType == 11 || icmpType == 12;
        } else if (protocol == IpProtocols.ICMPV6) {
            icmpType = p.icmpv6().type();
            icmpCode = p.icmpv6().code();
            localPort = icmpType;
            remotePort = icmpCode;
            icmpError = icmpType >= 1 && icmpType <= 4;
        }
        if (icmpError) {
            readEmbedded(p.buffer(), p.transportOffset() + 8, p.ipEnd(), out);
        }
    }

    private void ports(int src, int dst, boolean out) {
        localPort = out ? src : dst;
        remotePort = out ? dst : src;
    }

    /**
     * Reads the packet an ICMP error quotes. The quoted packet travelled the other way: for an error the
     * protected host sends, the quoted datagram came in to it, so its source is the remote peer.
     */
    private void readEmbedded(ByteBuf b, int at, int end, boolean errorIsOutbound) {
        if (version == 4) {
            if (end - at < 20) return;
            int ihl = (b.getUnsignedByte(at) & 0x0F) << 2;
            if (ihl < 20 || end - at < ihl) return;
            embeddedProtocol = b.getUnsignedByte(at + 9);
            long src = b.getInt(at + 12) & 0xFFFF_FFFFL, dst = b.getInt(at + 16) & 0xFFFF_FFFFL;
            embeddedRemoteHigh = 0;
            embeddedRemoteLow = errorIsOutbound ? src : dst;
            at += ihl;
        } else {
            if (end - at < 40) return;
            embeddedProtocol = b.getUnsignedByte(at + 6);
            embeddedRemoteHigh = b.getLong(at + (errorIsOutbound ? 8 : 24));
            embeddedRemoteLow = b.getLong(at + (errorIsOutbound ? 16 : 32));
            at += 40; // extension headers in a quote are rare; ports stay unknown then
        }
        embeddedLocalPort = 0;
        embeddedRemotePort = 0;
        if ((embeddedProtocol == IpProtocols.TCP || embeddedProtocol == IpProtocols.UDP) && end - at >= 4) {
            int src = b.getUnsignedShort(at), dst = b.getUnsignedShort(at + 2);
            embeddedLocalPort = errorIsOutbound ? dst : src;
            embeddedRemotePort = errorIsOutbound ? src : dst;
        }
        embeddedValid = true;
    }

    boolean isTcp() { return protocol == IpProtocols.TCP; }

    boolean isIcmp() { return protocol == IpProtocols.ICMP || protocol == IpProtocols.ICMPV6; }
}
