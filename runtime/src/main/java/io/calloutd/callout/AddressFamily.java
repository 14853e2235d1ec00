package io.calloutd.callout;

/** Address family of an injection handle (§4.1). Network injection needs one handle per family. */
public enum AddressFamily {
    /** Any family: usable for transport, stream and forward injection, never for network injection. */
    UNSPEC,
    /** IPv4. */
    INET,
    /** IPv6. */
    INET6;

    /** True if a packet of {@code ipVersion} may be injected through a handle of this family. */
    boolean admits(int ipVersion) {
        return this == UNSPEC || (this == INET ? ipVersion == 4 : ipVersion == 6);
    }
}
