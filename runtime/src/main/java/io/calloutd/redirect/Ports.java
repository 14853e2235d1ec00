package io.calloutd.redirect;

import io.calloutd.packet.IpProtocols;

/** Which protocols carry ports a redirect may change (ICMP keeps its identifier). */
final class Ports {
    private Ports() { }

    static boolean hasPorts(int protocol) {
        return protocol == IpProtocols.TCP || protocol == IpProtocols.UDP;
    }

    /** Protocols the redirect layers can translate (§3.5: TCP, UDP, ICMP). */
    static boolean supported(int protocol) {
        return hasPorts(protocol) || protocol == IpProtocols.ICMP || protocol == IpProtocols.ICMPV6;
    }
}
