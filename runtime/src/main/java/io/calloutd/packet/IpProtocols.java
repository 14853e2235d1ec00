package io.calloutd.packet;

/** IANA protocol numbers used by the parser (IPv4 Protocol / IPv6 Next Header). */
public final class IpProtocols {
    /** IPv6 Hop-by-Hop Options. */
    public static final int HOP_BY_HOP = 0;
    /** ICMP for IPv4. */
    public static final int ICMP = 1;
    /** TCP. */
    public static final int TCP = 6;
    /** UDP. */
    public static final int UDP = 17;
    /** IPv6 Routing header. */
    public static final int IPV6_ROUTING = 43;
    /** IPv6 Fragment header. */
    public static final int IPV6_FRAGMENT = 44;
    /** Encapsulating Security Payload (opaque: ends the parseable chain). */
    public static final int ESP = 50;
    /** Authentication Header. */
    public static final int AH = 51;
    /** ICMP for IPv6. */
    public static final int ICMPV6 = 58;
    /** IPv6 No Next Header. */
    public static final int IPV6_NO_NEXT_HEADER = 59;
    /** IPv6 Destination Options. */
    public static final int IPV6_DESTINATION_OPTIONS = 60;

    private IpProtocols() {}
}
