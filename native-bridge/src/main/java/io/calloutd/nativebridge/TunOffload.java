package io.calloutd.nativebridge;

import java.util.Locale;
import java.util.Set;

/**
 * The {@code TUNSETOFFLOAD} features a TUN reader can accept, with the other flags the kernel requires in the
 * same call ({@code tun_set_offload} ignores segmentation flags unless checksum offload is set, and TSO_ECN
 * unless a TSO flag is).
 */
public enum TunOffload {
    /** Partial checksums (virtio NEEDS_CSUM). */
    CSUM(TunDevice.TUN_F_CSUM, 0),
    /** TCPv4 super-frames. */
    TSO4(TunDevice.TUN_F_TSO4, TunDevice.TUN_F_CSUM),
    /** TCPv6 super-frames. */
    TSO6(TunDevice.TUN_F_TSO6, TunDevice.TUN_F_CSUM),
    /** TCP super-frames with CWR (ECN). */
    TSO_ECN(TunDevice.TUN_F_TSO_ECN, TunDevice.TUN_F_CSUM | TunDevice.TUN_F_TSO4),
    /** UDP segmentation offload, IPv4 (kernel 6.2+). */
    USO4(TunDevice.TUN_F_USO4, TunDevice.TUN_F_CSUM),
    /** UDP segmentation offload, IPv6 (kernel 6.2+). */
    USO6(TunDevice.TUN_F_USO6, TunDevice.TUN_F_CSUM);

    private final int flag;
    private final int requires;

    TunOffload(int flag, int requires) {
        this.flag = flag;
        this.requires = requires;
    }

    /** @return the {@code TUN_F_*} flag */
    public int flag() {
        return flag;
    }

    /** @return the flags that must be set in the same TUNSETOFFLOAD call for this one to take effect */
    public int requires() {
        return requires;
    }

    /** @return the lower-case name used on the command line, e.g. {@code tso4} */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name an {@link #optionName()} (case-insensitive)
     * @return the offload
     * @throws IllegalArgumentException naming the valid names
     */
    public static TunOffload parse(String name) {
        for (TunOffload o : values()) {
            if (o.optionName().equalsIgnoreCase(name.trim())) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown offload '" + name + "' (valid: csum, tso4, tso6, tso_ecn, uso4, uso6)");
    }

    /** @return the TUNSETOFFLOAD argument enabling exactly {@code offloads} */
    public static int flags(Set<TunOffload> offloads) {
        int f = 0;
        for (TunOffload o : offloads) {
            f |= o.flag;
        }
        return f;
    }
}
