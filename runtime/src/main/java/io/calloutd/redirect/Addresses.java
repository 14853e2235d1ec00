package io.calloutd.redirect;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Conversions between the data path's address form (two longs; IPv4 as {@code (0, unsigned 32 bit)}) and
 * {@link InetAddress}. Used when a request is created or modified (once per flow), never per packet.
 */
final class Addresses {
    private Addresses() { }

    static InetSocketAddress socket(int version, long high, long low, int port) {
        // ICMP pseudo-ports of non-query messages (0x10000 | type << 8 | code) are no ports: shown as 0.
        return new InetSocketAddress(inet(version, high, low), port > 0xFFFF ? 0 : port);
    }

    static InetAddress inet(int version, long high, long low) {
        byte[] b = version == 4 ? ByteBuffer.allocate(4).putInt((int) low).array()
                : ByteBuffer.allocate(16).putLong(high).putLong(low).array();
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen for 4 or 16 bytes
        }
    }

    /** Upper 64 bits of {@code a} in the data path's form; 0 for IPv4. */
    static long high(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 4 ? 0 : ByteBuffer.wrap(b).getLong(0);
    }

    /** Lower 64 bits of {@code a} in the data path's form (the unsigned address for IPv4). */
    static long low(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 4 ? ByteBuffer.wrap(b).getInt(0) & 0xFFFF_FFFFL : ByteBuffer.wrap(b).getLong(8);
    }

    static int version(InetAddress a) {
        return a.getAddress().length == 4 ? 4 : 6;
    }
}
