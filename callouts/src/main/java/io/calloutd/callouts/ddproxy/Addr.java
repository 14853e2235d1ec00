package io.calloutd.callouts.ddproxy;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/** An address as the incoming values hold it: two longs, IPv4 as (0, unsigned host-order 32 bits). */
final class Addr {
    private Addr() { }

    static long high(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 4 ? 0 : ByteBuffer.wrap(b).getLong(0);
    }

    static long low(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 4 ? ByteBuffer.wrap(b).getInt(0) & 0xFFFF_FFFFL : ByteBuffer.wrap(b).getLong(8);
    }
}
