package io.calloutd.daemon;

import io.calloutd.nativebridge.IpCommand;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final Pattern MTU = Pattern.compile(" mtu (\\d+) ");
    private static final Pattern INET = Pattern.compile(" inet6? ([0-9a-fA-F.:]+)/");

    /**
     * Reads an interface of the current network namespace.
     *
     * @throws IOException naming the interface when it does not exist or cannot be read
     */
    public static InterfaceInfo read(String name) throws IOException {
        String link = IpCommand.run("-o", "link", "show", "dev", name);
        Matcher m = MTU.matcher(link);
        if (!m.find()) {
            throw new IOException("cannot read the MTU of " + name + " from: " + link.strip());
        }
        return new InterfaceInfo(name, Integer.parseInt(m.group(1)),
                (Inet4Address) firstAddress(IpCommand.run("-o", "-4", "addr", "show", "dev", name, "scope", "global")),
                (Inet6Address) firstAddress(IpCommand.run("-o", "-6", "addr", "show", "dev", name, "scope", "global")));
    }

    private static InetAddress firstAddress(String ipOutput) throws IOException {
        Matcher m = INET.matcher(ipOutput);
        return m.find() ? InetAddress.getByName(m.group(1)) : null; // a literal: no name lookup happens
    }
}
