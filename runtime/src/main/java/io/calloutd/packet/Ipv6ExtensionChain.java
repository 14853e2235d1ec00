package io.calloutd.packet;

import io.netty.buffer.ByteBuf;

/**
 * Walks an IPv6 extension-header chain (RFC 8200 §4) without allocating, recording each header's
 * type and offset and where the upper-layer header starts. Reusable: one instance per
 * {@link ParsedPacket}.
 *
 * <p>Known extension headers: Hop-by-Hop (must be first), Routing, Fragment (at most one),
 * Destination Options, AH. ESP, No Next Header and every other value end the walk and become the
 * "upper-layer protocol". After a non-first fragment's Fragment header the rest is unparseable
 * (it belongs to the middle of the original datagram), so the walk stops there too.
 */
public final class Ipv6ExtensionChain {
    /** Maximum number of extension headers accepted. */
    public static final int MAX_HEADERS = 16;
    /** Maximum total bytes of extension headers accepted. */
    public static final int MAX_CHAIN_BYTES = 4096;

    private final int[] types = new int[MAX_HEADERS];
    private final int[] offsets = new int[MAX_HEADERS];
    private int count;
    private int upperLayerProtocol;
    private int upperLayerOffset;
    private int lastNextHeaderFieldOffset;
    private int fragmentHeaderOffset;
    private boolean stoppedAtNonFirstFragment;

    /**
     * Walks the chain of the IPv6 packet whose fixed header starts at {@code ipv6Offset}, with the
     * packet ending (exclusive) at {@code end}. The caller has already checked that the 40-byte fixed
     * header lies within the buffer and that {@code end} does not exceed the buffer.
     *
     * @return null if the chain is valid, otherwise the reason to drop
     */
    public DropReason walk(ByteBuf buf, int ipv6Offset, int end) {
        count = 0;
        fragmentHeaderOffset = -1;
        stoppedAtNonFirstFragment = false;
        int start = ipv6Offset + Ipv6Header.LENGTH;
        int pos = start;
        int nextFieldAt = ipv6Offset + 6;
        int nh = buf.getUnsignedByte(nextFieldAt);
        while (true) {
            int len;
            switch (nh) {
                case IpProtocols.HOP_BY_HOP:
                    // RFC 8200 §4.1: only directly after the fixed header (Linux drops otherwise).
                    if (count != 0) {
                        return DropReason.IPV6_BAD_EXTENSION_CHAIN;
                    }
                    if (end - pos < 2) {
                        return DropReason.IPV6_EXTENSION_TRUNCATED;
                    }
                    len = (buf.getUnsignedByte(pos + 1) + 1) << 3;
                    break;
                case IpProtocols.IPV6_ROUTING:
                case IpProtocols.IPV6_DESTINATION_OPTIONS:
                    if (end - pos < 2) {
                        return DropReason.IPV6_EXTENSION_TRUNCATED;
                    }
                    len = (buf.getUnsignedByte(pos + 1) + 1) << 3;
                    break;
                case IpProtocols.AH:
                    if (end - pos < 2) {
                        return DropReason.IPV6_EXTENSION_TRUNCATED;
                    }
                    len = (buf.getUnsignedByte(pos + 1) + 2) << 2;
                    break;
                case IpProtocols.IPV6_FRAGMENT:
                    if (fragmentHeaderOffset >= 0) {
                        return DropReason.IPV6_BAD_EXTENSION_CHAIN;
                    }
                    len = Ipv6FragmentHeader.LENGTH;
                    break;
                default:
                    upperLayerProtocol = nh;
                    upperLayerOffset = pos;
                    lastNextHeaderFieldOffset = nextFieldAt;
                    return null;
            }
            if (count == MAX_HEADERS) {
                return DropReason.IPV6_TOO_MANY_EXTENSIONS;
            }
            if (end - pos < len) {
                return DropReason.IPV6_EXTENSION_TRUNCATED;
            }
            if (pos + len - start > MAX_CHAIN_BYTES) {
                return DropReason.IPV6_EXTENSION_CHAIN_TOO_LONG;
            }
            types[count] = nh;
            offsets[count] = pos;
            count++;
            nextFieldAt = pos;
            nh = buf.getUnsignedByte(pos);
            if (types[count - 1] == IpProtocols.IPV6_FRAGMENT) {
                fragmentHeaderOffset = pos;
                if ((buf.getUnsignedShort(pos + 2) & 0xFFF8) != 0) {
                    stoppedAtNonFirstFragment = true;
                    upperLayerProtocol = nh;
                    upperLayerOffset = pos + len;
                    lastNextHeaderFieldOffset = pos;
                    return null;
                }
            }
            pos += len;
        }
    }

    /** Number of extension headers walked. */
    public int headerCount() { return count; }
    /** Type (protocol number) of the {@code i}-th extension header. */
    public int headerType(int i) { return types[i]; }
    /** Absolute offset of the {@code i}-th extension header. */
    public int headerOffset(int i) { return offsets[i]; }
    /** Protocol number after the chain (TCP, UDP, ICMPv6, ESP, No Next Header, ...). */
    public int upperLayerProtocol() { return upperLayerProtocol; }
    /** Absolute offset where the upper-layer header (or unparsed remainder) starts. */
    public int upperLayerOffset() { return upperLayerOffset; }
    /** Absolute offset of the Next Header byte that names {@link #upperLayerProtocol()}. */
    public int lastNextHeaderFieldOffset() { return lastNextHeaderFieldOffset; }
    /** Absolute offset of the Fragment header, or -1 if none. */
    public int fragmentHeaderOffset() { return fragmentHeaderOffset; }
    /** True if the walk stopped at the Fragment header of a non-first fragment. */
    public boolean stoppedAtNonFirstFragment() { return stoppedAtNonFirstFragment; }
    /** True if the chain contains a header of type {@code type}. */
    public boolean contains(int type) {
        for (int i = 0; i < count; i++) {
            if (types[i] == type) {
                return true;
            }
        }
        return false;
    }
}
