package io.calloutd.redirect;

import io.calloutd.checksum.IncrementalChecksum;
import io.calloutd.packet.IpProtocols;
import io.calloutd.packet.ParsedPacket;
import io.netty.buffer.ByteBuf;

/**
 * Rewrites a packet's addresses and ports in place with incremental checksum updates (RFC 1624): the IPv4 header
 * checksum, and the TCP, UDP (a zero IPv4 "no checksum" stays zero) and ICMPv6 checksums, which cover the
 * pseudo-header. ICMPv4's checksum does not cover addresses; ICMP identifiers are never changed. Allocation-free.
 *
 * <p>Checksums must be complete: GSO super-frames with partial checksums are segmented first (the classifier does
 * that whenever callouts are registered, and only callouts redirect).
 */
final class PacketRewriter {
    private PacketRewriter() { }

    /** Sets the packet's source to (sh, sl, sp) and destination to (dh, dl, dp); ports only for TCP and UDP. */
    static void rewrite(ParsedPacket p, long sh, long sl, int sp, long dh, long dl, int dp) {
        ByteBuf b = p.buffer();
        int proto = p.transportProtocol();
        boolean l4 = p.hasTransportHeader();
        int t = p.transportOffset();
        int csum = !l4 ? -1 : proto == IpProtocols.TCP ? t + 16 : proto == IpProtocols.UDP ? t + 6
                : proto == IpProtocols.ICMPV6 ? t + 2 : -1;
        boolean udp = proto == IpProtocols.UDP;
        int ip = p.networkOffset();
        if (p.ipVersion() == 4) {
            address32(b, ip + 12, (int) sl, ip + 10, csum, udp);
            address32(b, ip + 16, (int) dl, ip + 10, csum, udp);
        } else {
            address128(b, ip + 8, sh, sl, csum, udp);
            address128(b, ip + 24, dh, dl, csum, udp);
        }
        if (l4 && (proto == IpProtocols.TCP || udp)) {
            port(b, t, sp, csum, udp);
            port(b, t + 2, dp, csum, udp);
        }
    }

    private static void address32(ByteBuf b, int at, int value, int ipCsum, int l4Csum, boolean udp) {
        int old = b.getInt(at);
        if (old == value) {
            return;
        }
        b.setInt(at, value);
        IncrementalChecksum.adjust32(b, ipCsum, old, value);
        if (l4Csum >= 0) {
            if (udp) {
                IncrementalChecksum.adjustUdp32(b, l4Csum, old, value);
            } else {
                IncrementalChecksum.adjust32(b, l4Csum, old, value);
            }
        }
    }

    private static void address128(ByteBuf b, int at, long high, long low, int l4Csum, boolean udp) {
        long oh = b.getLong(at), ol = b.getLong(at + 8);
        if (oh == high && ol == low) {
            return;
        }
        b.setLong(at, high);
        b.setLong(at + 8, low);
        if (l4Csum >= 0) {
            if (udp) {
                IncrementalChecksum.adjustUdp128(b, l4Csum, oh, ol, high, low);
            } else {
                IncrementalChecksum.adjust128(b, l4Csum, oh, ol, high, low);
            }
        }
    }

    private static void port(ByteBuf b, int at, int value, int csum, boolean udp) {
        int old = b.getUnsignedShort(at);
        if (old == value) {
            return;
        }
        b.setShort(at, value);
        if (udp) {
            IncrementalChecksum.adjustUdp16(b, csum, old, value);
        } else {
            IncrementalChecksum.adjust16(b, csum, old, value);
        }
    }
}
