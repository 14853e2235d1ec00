package io.calloutd.nativebridge;

/** An address family of routes, rules and addresses, with its kernel {@code AF_*} value. */
public enum IpFamily {
    /** AF_INET. */
    IPV4(LibC.AF_INET, 4),
    /** AF_INET6. */
    IPV6(LibC.AF_INET6, 16);

    private final int af;
    private final int addressBytes;

    IpFamily(int af, int addressBytes) {
        this.af = af;
        this.addressBytes = addressBytes;
    }

    /** @return the kernel's AF_INET / AF_INET6 value */
    public int af() {
        return af;
    }

    /** @return address length in bytes (4 or 16) */
    public int addressBytes() {
        return addressBytes;
    }

    /** @return the longest prefix length (32 or 128) */
    public int maxPrefixLength() {
        return addressBytes * 8;
    }

    /** @return the family of an address */
    public static IpFamily of(java.net.InetAddress a) {
        return a instanceof java.net.Inet6Address ? IPV6 : IPV4;
    }

    /** @return the family with kernel value {@code af}, or null for any other family */
    static IpFamily fromAf(int af) {
        return af == LibC.AF_INET ? IPV4 : af == LibC.AF_INET6 ? IPV6 : null;
    }
}
