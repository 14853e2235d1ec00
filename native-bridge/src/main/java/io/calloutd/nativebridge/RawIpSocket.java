package io.calloutd.nativebridge;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * A raw IP socket ({@code SOCK_RAW, IPPROTO_RAW}) that sends complete, caller-built IP packets to the packet's
 * own destination address: send-path injection. Packets carry {@code SO_MARK} so policy routing can keep them
 * out of the TUN (a rule {@code fwmark MARK lookup main} ahead of the steering rules).
 *
 * <p><b>Not thread-safe by contract:</b> {@link #send} reuses one preallocated native {@code sockaddr} (and one
 * scratch buffer for heap packets) so that it allocates nothing; use one socket per thread.
 *
 * <p>IPv6 destinations that need a scope id (link-local) are not supported: scope id is always 0.
 */
public final class RawIpSocket implements AutoCloseable {
    private static final int SOCKADDR_IN_SIZE = 16;
    private static final int SOCKADDR_IN6_SIZE = 28;
    private static final int IPV4_MIN_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int IPV4_DST_OFFSET = 16;
    private static final int IPV6_DST_OFFSET = 24;
    private static final int MAX_PACKET = 65535;

    private final int fd;
    private final boolean ipv6;
    private final String sendCall;
    private final Memory sockaddr;
    private final int sockaddrLen;
    // Lazily created: only heap (non-direct) packets need copying to native memory.
    private Memory scratch;
    private ByteBuffer scratchView;
    private boolean closed;

    private RawIpSocket(int fd, boolean ipv6) {
        this.fd = fd;
        this.ipv6 = ipv6;
        this.sendCall = ipv6 ? "sendto(raw IPv6)" : "sendto(raw IPv4)";
        this.sockaddrLen = ipv6 ? SOCKADDR_IN6_SIZE : SOCKADDR_IN_SIZE;
        this.sockaddr = new Memory(sockaddrLen);
        sockaddr.clear();
        // sa_family is host order; port (0 = the socket's own protocol), flowinfo and scope id stay 0.
        sockaddr.setShort(0, (short) (ipv6 ? LibC.AF_INET6 : LibC.AF_INET));
    }

    /**
     * Opens an IPv4 raw socket (IP_HDRINCL is implied by IPPROTO_RAW) in the calling thread's namespace.
     *
     * @param mark the SO_MARK for every packet sent; 0 leaves the socket unmarked
     * @return the socket
     * @throws NativeException if socket or setsockopt fail (EPERM without CAP_NET_RAW/CAP_NET_ADMIN)
     */
    public static RawIpSocket openIpv4(int mark) throws NativeException {
        return open(false, mark);
    }

    /**
     * Opens an IPv6 raw socket (the kernel implies IPV6_HDRINCL for IPPROTO_RAW) in the calling thread's namespace.
     *
     * @param mark the SO_MARK for every packet sent; 0 leaves the socket unmarked
     * @return the socket
     * @throws NativeException if socket or setsockopt fail
     */
    public static RawIpSocket openIpv6(int mark) throws NativeException {
        return open(true, mark);
    }

    private static RawIpSocket open(boolean ipv6, int mark) throws NativeException {
        String family = ipv6 ? "AF_INET6" : "AF_INET";
        int fd;
        try {
            fd = LibC.socket(ipv6 ? LibC.AF_INET6 : LibC.AF_INET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.IPPROTO_RAW);
        } catch (LastErrorException e) {
            throw new NativeException("socket(" + family + ", SOCK_RAW, IPPROTO_RAW)", e.getErrorCode());
        }
        if (mark != 0) {
            try (Memory v = new Memory(4)) {
                v.setInt(0, mark);
                LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_MARK, v, 4);
            } catch (LastErrorException e) {
                LibC.closeQuietly(fd);
                throw new NativeException("setsockopt(SO_MARK, " + mark + ")", e.getErrorCode());
            }
        }
        return new RawIpSocket(fd, ipv6);
    }

    /** @return whether this is an IPv6 socket */
    public boolean isIpv6() {
        return ipv6;
    }

    /**
     * Reads the socket's SO_MARK back from the kernel.
     *
     * @return the mark
     * @throws NativeException if getsockopt fails
     */
    public int mark() throws NativeException {
        try (Memory v = new Memory(4); Memory len = new Memory(4)) {
            v.setInt(0, 0);
            len.setInt(0, 4);
            LibC.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_MARK, v, len);
            return v.getInt(0);
        } catch (LastErrorException e) {
            throw new NativeException("getsockopt(SO_MARK)", e.getErrorCode());
        }
    }

    /**
     * Sends the readable bytes of {@code packet}, a complete IP packet of this socket's family, to the destination
     * address in its header. The reader index is not moved. Allocates nothing for direct buffers.
     *
     * @param packet one IPv4 (at least 20 bytes) or IPv6 (at least 40 bytes) packet, ideally in a direct buffer
     * @return bytes sent
     * @throws NativeException if sendto fails, e.g. EACCES when a route prohibits it, EMSGSIZE, ENETUNREACH
     * @throws IllegalArgumentException if the bytes are too short, too long, or not of this socket's IP version
     * @throws IllegalStateException if the socket is closed
     */
    public int send(ByteBuf packet) throws NativeException {
        if (closed) {
            throw new IllegalStateException("RawIpSocket closed");
        }
        int ri = packet.readerIndex();
        int len = packet.readableBytes();
        int version = len > 0 ? (packet.getByte(ri) & 0xf0) >>> 4 : 0;
        if (ipv6 ? (len < IPV6_HEADER || version != 6) : (len < IPV4_MIN_HEADER || version != 4)) {
            throw new IllegalArgumentException("not an IPv" + (ipv6 ? 6 : 4) + " packet: version " + version
                    + ", " + len + " bytes");
        }
        if (len > MAX_PACKET) {
            throw new IllegalArgumentException("packet longer than 65535 bytes: " + len);
        }
        if (ipv6) {
            // sin6_addr at offset 8; copy as two 8-byte words, keeping network byte order.
            sockaddr.setLong(8, Long.reverseBytes(packet.getLong(ri + IPV6_DST_OFFSET)));
            sockaddr.setLong(16, Long.reverseBytes(packet.getLong(ri + IPV6_DST_OFFSET + 8)));
        } else {
            sockaddr.setInt(4, Integer.reverseBytes(packet.getInt(ri + IPV4_DST_OFFSET)));
        }
        long address;
        if (packet.hasMemoryAddress()) {
            address = packet.memoryAddress() + ri;
        } else {
            address = copyToScratch(packet, ri, len);
        }
        try {
            return (int) LibC.sendto(fd, address, len, 0, sockaddr, sockaddrLen);
        } catch (LastErrorException e) {
            throw new NativeException(sendCall, e.getErrorCode());
        }
    }

    private long copyToScratch(ByteBuf packet, int ri, int len) {
        if (scratch == null) {
            scratch = new Memory(MAX_PACKET);
            scratchView = scratch.getByteBuffer(0, MAX_PACKET);
        }
        scratchView.clear().limit(len);
        packet.getBytes(ri, scratchView);
        return com.sun.jna.Pointer.nativeValue(scratch);
    }

    /**
     * Closes the socket. Idempotent.
     *
     * @throws NativeException if close fails
     */
    @Override
    public void close() throws NativeException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            LibC.closeOrThrow(fd, "raw socket");
        } finally {
            sockaddr.close();
            if (scratch != null) {
                scratch.close();
            }
        }
    }
}
