package io.calloutd.daemon;

import io.calloutd.nativebridge.Address;
import io.calloutd.nativebridge.IpFamily;
import io.calloutd.nativebridge.Link;
import io.calloutd.nativebridge.NativeException;
import io.calloutd.nativebridge.Rtnetlink;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * What the daemon needs to know about one of its interfaces, read once at start: its MTU and its first global
 * IPv4 and IPv6 addresses (the source of ICMP errors sent to hosts on that side; null when it has none).
 *
 * @param name interface name
 * @param mtu  link MTU
 * @param v4   first global IPv4 address, or null
 * @param v6   first global IPv6 address, or null
 */
public record InterfaceInfo(String name, int mtu, Inet4Address v4, Inet6Address v6) {
    /**
     * Reads an interface of the current network namespace through rtnetlink.
     *
     * @throws IOException naming the interface when it does not exist or cannot be read
     */
    public static InterfaceInfo read(String name) throws IOException {
        try (Rtnetlink nl = Rtnetlink.open()) {
            Link link;
            try {
                link = nl.link(name);
            } catch (NativeException e) {
                throw new IOException("cannot read interface " + name + ": " + e.getMessage(), e);
            }
            return new InterfaceInfo(name, link.mtu(), (Inet4Address) firstGlobal(nl, IpFamily.IPV4, link.index()),
                    (Inet6Address) firstGlobal(nl, IpFamily.IPV6, link.index()));
        }
    }

    private static InetAddress firstGlobal(Rtnetlink nl, IpFamily family, int index) throws NativeException {
        for (Address a : nl.addresses(family)) {
            if (a.index() == index && a.scope() == Address.SCOPE_GLOBAL) {
                return a.address();
            }
        }
        return null;
    }
}
