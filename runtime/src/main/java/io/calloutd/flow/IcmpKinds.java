package io.calloutd.flow;

/** Classifies ICMP/ICMPv6 types into errors (keyed by the quoted packet) and request/reply queries. */
final class IcmpKinds {
    private IcmpKinds() {}

    /** ICMPv4: unreachable, source quench, redirect, time exceeded, parameter problem. ICMPv6: types below 128. */
    static boolean isError(int type, boolean v6) {
        if (v6) {
            return type < 128;
        }
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    /** Echo, timestamp, information, address mask (v4); echo (v6): request and reply share the identifier. */
    static boolean isQuery(int type, boolean v6) {
        if (v6) {
            return type == 128 || type == 129;
        }
        return type == 8 || type == 0 || type == 13 || type == 14 || type == 15 || type == 16 || type == 17
                || type == 18;
    }
}
