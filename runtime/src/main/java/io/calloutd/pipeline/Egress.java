package io.calloutd.pipeline;

import io.calloutd.inject.InjectionPath;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.Objects;

/**
 * Where the permitted packets of one direction go: the injection path, the MTU of the link they will leave
 * by, and the firewall's own addresses on the side they came from (the source of ICMP errors sent back to
 * their sender; null when that side has none, in which case no error is sent and the drop is still counted).
 *
 * @param path       how the packets re-enter the kernel
 * @param mtu        MTU of the egress link
 * @param icmpFromV4 firewall address facing the sender, for ICMP fragmentation-needed
 * @param icmpFromV6 firewall address facing the sender, for ICMPv6 packet-too-big
 */
public record Egress(InjectionPath path, int mtu, Inet4Address icmpFromV4, Inet6Address icmpFromV6) {
    /** Validates the MTU. */
    public Egress {
        Objects.requireNonNull(path, "path");
        if (mtu < 1280 || mtu > 65535) {
            throw new IllegalArgumentException("egress MTU must be 1280..65535 (IPv6 minimum), got " + mtu);
        }
    }
}
