package io.calloutd.callouts.support;

import io.calloutd.engine.Field;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.ValueType;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * One IP address compared, without allocation, against an address field of a classify's incoming values (§1.3:
 * IPv4 as a host-order UINT32, IPv6 as 16 network-order bytes). The built-in callouts check their own parameters
 * this way as well as through filter conditions, so a filter written without conditions cannot widen what they do.
 */
public final class RemoteAddress {
    private final InetAddress address;
    private final int version;
    private final long high, low;

    /** Wraps {@code address}. */
    public RemoteAddress(InetAddress address) {
        this.address = address;
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            version = 4;
            high = 0;
            low = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
        } else {
            version = 6;
            high = bigEndian(b, 0);
            low = bigEndian(b, 8);
        }
    }

    private static long bigEndian(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = v << 8 | (b[off + i] & 0xFFL);
        return v;
    }

    /** The address. */
    public InetAddress address() { return address; }

    /** 4 or 6. */
    public int version() { return version; }

    /** True if {@code field} of {@code in} holds this address. */
    public boolean matches(IncomingValues in, Field field) {
        ValueType t = in.type(field);
        if (version == 4) return t == ValueType.UINT32 && in.low(field) == low;
        return t == ValueType.BYTE_ARRAY16 && in.high(field) == high && in.low(field) == low;
    }

    /** The address as the literal operators wrote (for status output). */
    @Override public String toString() { return address.getHostAddress(); }
}
