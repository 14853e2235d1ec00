package io.calloutd.checksum;

import io.netty.buffer.ByteBuf;

/**
 * TCP, UDP and ICMPv6 checksums with the IPv4 (RFC 793/768) or IPv6 (RFC 8200 §8.1) pseudo-header.
 *
 * <p>{@code protocol} is the upper-layer protocol number (6, 17 or 58) — for IPv6 the one found
 * after the extension-header chain, not the fixed header's Next Header. {@code l4Length} is the
 * upper-layer length that also goes into the pseudo-header (for UDP, the UDP length field).
 *
 * <p>UDP rules: over IPv4 a stored checksum of 0 means "no checksum" and verifies; over IPv6 it is
 * invalid. A computed UDP checksum of 0 is returned (and written) as 0xFFFF.
 */
public final class TransportChecksums {

    /** IP protocol numbers this class handles. */
    public static final int TCP = 6;
    /** UDP protocol number. */
    public static final int UDP = 17;
    /** ICMPv6 protocol number. */
    public static final int ICMPV6 = 58;

    private TransportChecksums() {}

    /**
     * Offset of the checksum field inside the transport header for {@code protocol}.
     *
     * @throws IllegalArgumentException for a protocol without a pseudo-header checksum here
     */
    public static int checksumField(int protocol) {
        switch (protocol) {
            case TCP: return 16;
            case UDP: return 6;
            case ICMPV6: return 2;
            default: throw new IllegalArgumentException("no pseudo-header checksum for protocol " + protocol);
        }
    }

    /** Pseudo-header sum for IPv4: source, destination, zero+protocol, upper-layer length. */
    public static int pseudoHeaderSumV4(ByteBuf buf, int ipv4Offset, int protocol, int l4Length) {
        return InternetChecksum.sum(buf, ipv4Offset + 12, 8, InternetChecksum.fold((long) protocol + l4Length));
    }

    /** Pseudo-header sum for IPv6: source, destination, 32-bit length, next header. */
    public static int pseudoHeaderSumV6(ByteBuf buf, int ipv6Offset, int protocol, int l4Length) {
        long lengthAndProto = (l4Length & 0xFFFFFFFFL) + protocol;
        return InternetChecksum.sum(buf, ipv6Offset + 8, 32, InternetChecksum.fold(lengthAndProto));
    }

    /** Checksum to store in a TCP/UDP/ICMPv6 header over IPv4 (checksum field taken as zero). */
    public static int computeV4(ByteBuf buf, int ipv4Offset, int protocol, int l4Offset, int l4Length) {
        return finish(protocol, pseudoHeaderSumV4(buf, ipv4Offset, protocol, l4Length), buf, l4Offset, l4Length);
    }

    /** Checksum to store in a TCP/UDP/ICMPv6 header over IPv6 (checksum field taken as zero). */
    public static int computeV6(ByteBuf buf, int ipv6Offset, int protocol, int l4Offset, int l4Length) {
        return finish(protocol, pseudoHeaderSumV6(buf, ipv6Offset, protocol, l4Length), buf, l4Offset, l4Length);
    }

    /** True if the stored checksum is valid over IPv4 (UDP zero = none = valid). */
    public static boolean verifyV4(ByteBuf buf, int ipv4Offset, int protocol, int l4Offset, int l4Length) {
        if (protocol == UDP && buf.getUnsignedShort(l4Offset + 6) == 0) {
            return true;
        }
        int pseudo = pseudoHeaderSumV4(buf, ipv4Offset, protocol, l4Length);
        return InternetChecksum.sum(buf, l4Offset, l4Length, pseudo) == 0xFFFF;
    }

    /** True if the stored checksum is valid over IPv6 (UDP zero is invalid, RFC 8200 §8.1). */
    public static boolean verifyV6(ByteBuf buf, int ipv6Offset, int protocol, int l4Offset, int l4Length) {
        if (protocol == UDP && buf.getUnsignedShort(l4Offset + 6) == 0) {
            return false;
        }
        int pseudo = pseudoHeaderSumV6(buf, ipv6Offset, protocol, l4Length);
        return InternetChecksum.sum(buf, l4Offset, l4Length, pseudo) == 0xFFFF;
    }

    /** Computes and stores the checksum over IPv4. */
    public static void writeV4(ByteBuf buf, int ipv4Offset, int protocol, int l4Offset, int l4Length) {
        buf.setShort(l4Offset + checksumField(protocol), computeV4(buf, ipv4Offset, protocol, l4Offset, l4Length));
    }

    /** Computes and stores the checksum over IPv6. */
    public static void writeV6(ByteBuf buf, int ipv6Offset, int protocol, int l4Offset, int l4Length) {
        buf.setShort(l4Offset + checksumField(protocol), computeV6(buf, ipv6Offset, protocol, l4Offset, l4Length));
    }

    private static int finish(int protocol, int pseudo, ByteBuf buf, int l4Offset, int l4Length) {
        int field = l4Offset + checksumField(protocol);
        int c = ~InternetChecksum.sumSkipping(buf, l4Offset, l4Length, field, pseudo) & 0xFFFF;
        // RFC 768: a computed 0 is sent as all ones, because 0 means "no checksum".
        return (protocol == UDP && c == 0) ? 0xFFFF : c;
    }
}
