package io.calloutd.replay;

/**
 * Finds the IP packet inside a captured frame for the link types a Linux capture produces: raw IP, Ethernet
 * (with 802.1Q/802.1ad tags), Linux cooked v1 and v2 ({@code tcpdump -i any}), BSD loopback.
 */
public final class LinkLayer {
    /** DLT_NULL / BSD loopback: 4-byte address family in host order. */
    public static final int NULL = 0;
    /** DLT_EN10MB. */
    public static final int ETHERNET = 1;
    /** DLT_RAW as most systems number it. */
    public static final int RAW = 101;
    /** DLT_RAW on OpenBSD-derived captures. */
    public static final int RAW_12 = 12;
    /** DLT_RAW on some older captures. */
    public static final int RAW_14 = 14;
    /** DLT_LINUX_SLL. */
    public static final int LINUX_SLL = 113;
    /** DLT_LINUX_SLL2. */
    public static final int LINUX_SLL2 = 276;
    /** DLT_IPV4. */
    public static final int IPV4 = 228;
    /** DLT_IPV6. */
    public static final int IPV6 = 229;

    private LinkLayer() { }

    /** @return whether frames of this link type can be replayed */
    public static boolean supported(int linkType) {
        return switch (linkType) {
            case NULL, ETHERNET, RAW, RAW_12, RAW_14, LINUX_SLL, LINUX_SLL2, IPV4, IPV6 -> true;
            default -> false;
        };
    }

    /**
     * @param linkType the capture's link type
     * @param frame    the captured bytes
     * @return the offset of the IP header in {@code frame}, or -1 if the frame carries no IPv4/IPv6 packet
     */
    public static int ipOffset(int linkType, byte[] frame) {
        int off;
        switch (linkType) {
            case RAW, RAW_12, RAW_14, IPV4, IPV6 -> off = 0;
            case NULL -> off = frame.length >= 4 ? 4 : -1;
            case ETHERNET -> off = ethernet(frame);
            case LINUX_SLL -> off = frame.length >= 16 && isIpEtherType(u16(frame, 14)) ? 16 : -1;
            case LINUX_SLL2 -> off = frame.length >= 20 && isIpEtherType(u16(frame, 0)) ? 20 : -1;
            default -> off = -1;
        }
        if (off < 0 || off >= frame.length) {
            return -1;
        }
        int version = (frame[off] & 0xFF) >>> 4;
        return version == 4 || version == 6 ? off : -1;
    }

    private static int ethernet(byte[] f) {
        int off = 12;
        while (f.length >= off + 2) {
            int type = u16(f, off);
            if (type == 0x8100 || type == 0x88A8) {
                off += 4; // VLAN tag: TPID+TCI, then the next EtherType
                continue;
            }
            return isIpEtherType(type) ? off + 2 : -1;
        }
        return -1;
    }

    private static boolean isIpEtherType(int type) {
        return type == 0x0800 || type == 0x86DD;
    }

    private static int u16(byte[] f, int off) {
        return ((f[off] & 0xFF) << 8) | (f[off + 1] & 0xFF);
    }
}
