package io.calloutd.classify;

/**
 * The {@code NL_ADDRESS_TYPE} values WFP reports in the *_ADDRESS_TYPE fields. Broadcast is recognised only as
 * the limited broadcast address: a TUN engine does not know the subnets behind the protected host.
 */
public final class AddressType {
    /** A unicast address. */
    public static final int UNICAST = 1;
    /** A multicast address (224.0.0.0/4, ff00::/8). */
    public static final int MULTICAST = 3;
    /** The limited broadcast address 255.255.255.255. */
    public static final int BROADCAST = 4;

    private AddressType() { }

    static int of(int version, long high, long low) {
        if (version == 4) {
            if (low == 0xFFFF_FFFFL) return BROADCAST;
            return (low >>> 28) == 0xE ? MULTICAST : UNICAST;
        }
        return (high >>> 56) == 0xFF ? MULTICAST : UNICAST;
    }
}
