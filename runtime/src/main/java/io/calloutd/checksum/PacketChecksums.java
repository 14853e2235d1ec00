package io.calloutd.checksum;

import io.calloutd.packet.DropReason;
import io.calloutd.packet.IpProtocols;
import io.calloutd.packet.ParsedPacket;
import io.netty.buffer.ByteBuf;

/**
 * Checksum verify/rewrite for a whole {@link ParsedPacket}: picks the IP version, protocol,
 * pseudo-header and lengths. Fragments and packets without a parsed transport header have no
 * checkable transport checksum (it covers the reassembled datagram), so they verify as valid and
 * are left untouched by writes.
 */
public final class PacketChecksums {

    private PacketChecksums() {}

    /** True if {@code p}'s transport checksum can be checked or written on this packet alone. */
    public static boolean hasCheckableTransportChecksum(ParsedPacket p) {
        if (!p.hasTransportHeader() || p.isFragment()) {
            return false;
        }
        int proto = p.transportProtocol();
        return proto == IpProtocols.TCP || proto == IpProtocols.UDP
                || proto == IpProtocols.ICMP || proto == IpProtocols.ICMPV6;
    }

    /**
     * Verifies the transport checksum.
     *
     * @return null if valid or not checkable, otherwise TCP/UDP/ICMP/ICMPV6_BAD_CHECKSUM
     */
    public static DropReason verifyTransport(ParsedPacket p) {
        if (!hasCheckableTransportChecksum(p)) {
            return null;
        }
        ByteBuf buf = p.buffer();
        int proto = p.transportProtocol();
        int l4 = p.transportOffset();
        int len = p.transportLength();
        boolean ok;
        if (proto == IpProtocols.ICMP) {
            ok = IcmpChecksums.verify(buf, l4, len);
        } else if (p.ipVersion() == 4) {
            ok = TransportChecksums.verifyV4(buf, p.networkOffset(), proto, l4, len);
        } else {
            ok = TransportChecksums.verifyV6(buf, p.networkOffset(), proto, l4, len);
        }
        if (ok) {
            return null;
        }
        switch (proto) {
            case IpProtocols.TCP: return DropReason.TCP_BAD_CHECKSUM;
            case IpProtocols.UDP: return DropReason.UDP_BAD_CHECKSUM;
            case IpProtocols.ICMP: return DropReason.ICMP_BAD_CHECKSUM;
            default: return DropReason.ICMPV6_BAD_CHECKSUM;
        }
    }

    /**
     * Verifies the IPv4 header checksum (if IPv4) and then the transport checksum.
     *
     * @return null if valid, otherwise the first failing reason
     */
    public static DropReason verifyAll(ParsedPacket p) {
        if (p.ipVersion() == 4 && !Ipv4Checksums.verify(p.buffer(), p.networkOffset())) {
            return DropReason.IPV4_BAD_HEADER_CHECKSUM;
        }
        return verifyTransport(p);
    }

    /**
     * Recomputes and stores the transport checksum from scratch (after arbitrary edits). A UDP/IPv4
     * checksum of 0 ("none", chosen by the sender) is kept as 0.
     */
    public static void writeTransport(ParsedPacket p) {
        if (!hasCheckableTransportChecksum(p)) {
            return;
        }
        ByteBuf buf = p.buffer();
        int proto = p.transportProtocol();
        int l4 = p.transportOffset();
        int len = p.transportLength();
        if (proto == IpProtocols.ICMP) {
            IcmpChecksums.write(buf, l4, len);
        } else if (p.ipVersion() == 4) {
            if (proto == IpProtocols.UDP && buf.getUnsignedShort(l4 + 6) == 0) {
                return;
            }
            TransportChecksums.writeV4(buf, p.networkOffset(), proto, l4, len);
        } else {
            TransportChecksums.writeV6(buf, p.networkOffset(), proto, l4, len);
        }
    }

    /** Recomputes the IPv4 header checksum (if IPv4) and the transport checksum. */
    public static void writeAll(ParsedPacket p) {
        if (p.ipVersion() == 4) {
            Ipv4Checksums.write(p.buffer(), p.networkOffset());
        }
        writeTransport(p);
    }
}
