package io.calloutd.nativebridge;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Hand-built IPv4/IPv6 UDP packets with correct checksums, for tests. Their correctness is checked by the kernel
 * (which drops bad IP header or UDP checksums before a socket sees them), not by this code.
 */
final class TestPackets {
    private TestPackets() {
    }

    static byte[] udp4(InetAddress src, int srcPort, InetAddress dst, int dstPort, byte[] payload) {
        int udpLen = 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(20 + udpLen);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + udpLen));
        b.putShort((short) 0x1234).putShort((short) 0x4000); // id, DF
        b.put((byte) 64).put((byte) 17).putShort((short) 0); // ttl, UDP, checksum placeholder
        b.put(src.getAddress()).put(dst.getAddress());
        b.putShort(10, checksum(b.array(), 0, 20, 0));
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) udpLen).putShort((short) 0);
        b.put(payload);
        long pseudo = sum(src.getAddress()) + sum(dst.getAddress()) + 17 + udpLen;
        short c = checksum(b.array(), 20, udpLen, pseudo);
        b.putShort(26, c == 0 ? (short) 0xffff : c);
        return b.array();
    }

    static byte[] udp6(InetAddress src, int srcPort, InetAddress dst, int dstPort, byte[] payload) {
        int udpLen = 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(40 + udpLen);
        b.putInt(0x60000000).putShort((short) udpLen).put((byte) 17).put((byte) 64);
        b.put(src.getAddress()).put(dst.getAddress());
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) udpLen).putShort((short) 0);
        b.put(payload);
        long pseudo = sum(src.getAddress()) + sum(dst.getAddress()) + 17 + udpLen;
        short c = checksum(b.array(), 40, udpLen, pseudo);
        b.putShort(46, c == 0 ? (short) 0xffff : c);
        return b.array();
    }

    private static long sum(byte[] a) {
        long s = 0;
        for (int i = 0; i < a.length; i += 2) {
            s += ((a[i] & 0xff) << 8) | (a[i + 1] & 0xff);
        }
        return s;
    }

    /** RFC 1071 internet checksum of {@code len} bytes at {@code off}, plus an initial sum. */
    static short checksum(byte[] a, int off, int len, long initial) {
        long s = initial;
        for (int i = 0; i < len - 1; i += 2) {
            s += ((a[off + i] & 0xff) << 8) | (a[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            s += (a[off + len - 1] & 0xff) << 8;
        }
        while ((s >> 16) != 0) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (short) ~s;
    }
}
