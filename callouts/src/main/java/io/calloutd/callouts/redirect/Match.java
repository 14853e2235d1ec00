package io.calloutd.callouts.redirect;

import io.calloutd.callout.CalloutParams;
import io.calloutd.packet.IpProtocols;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Which connections a redirect callout takes: an optional protocol ({@code protocol}: any, tcp, udp, icmp), an
 * optional address and an optional port of one side. Checked once per new flow at the redirect layer.
 *
 * @param protocol IP protocol number, or -1 for any (icmp matches ICMP and ICMPv6)
 * @param address  the address to match, or null for any
 * @param port     the port to match, or 0 for any
 */
record Match(int protocol, InetAddress address, int port) {
    static Match parse(CalloutParams p, String addressParam, String portParam) {
        String proto = p.choice("protocol", "any", "any", "tcp", "udp", "icmp");
        int n = switch (proto) {
            case "tcp" -> IpProtocols.TCP;
            case "udp" -> IpProtocols.UDP;
            case "icmp" -> IpProtocols.ICMP;
            default -> -1;
        };
        InetAddress a = p.address(addressParam, null);
        int port = p.has(portParam) ? p.port(portParam) : 0;
        return new Match(n, a, port);
    }

    boolean matches(int proto, InetSocketAddress endpoint) {
        if (protocol >= 0 && proto != protocol && !(protocol == IpProtocols.ICMP && proto == IpProtocols.ICMPV6)) {
            return false;
        }
        return (address == null || address.equals(endpoint.getAddress())) && (port == 0 || port == endpoint.getPort());
    }
}
