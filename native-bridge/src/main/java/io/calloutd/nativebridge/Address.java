package io.calloutd.nativebridge;

import java.net.InetAddress;

/**
 * An address assigned to an interface.
 *
 * @param index        interface index
 * @param address      the local address
 * @param prefixLength prefix length of the on-link network
 * @param scope        RT_SCOPE_* value: 0 universe (global), 253 link, 254 host
 * @param flags        IFA_F_* flags, e.g. {@link #IFA_F_NODAD}
 */
public record Address(int index, InetAddress address, int prefixLength, int scope, int flags) {
    /** IFA_F_NODAD: no duplicate address detection (IPv6). */
    public static final int IFA_F_NODAD = 0x02;
    /** IFA_F_PERMANENT: configured, not learned (every address added by hand has it). */
    public static final int IFA_F_PERMANENT = 0x80;
    /** RT_SCOPE_UNIVERSE: a global address. */
    public static final int SCOPE_GLOBAL = 0;
    /** RT_SCOPE_LINK. */
    public static final int SCOPE_LINK = 253;

    /** @return IPv4 or IPv6 */
    public IpFamily family() {
        return IpFamily.of(address);
    }
}
