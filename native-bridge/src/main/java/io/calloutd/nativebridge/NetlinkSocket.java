package io.calloutd.nativebridge;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * A {@code NETLINK_ROUTE} socket that sends one request at a time and waits for its answer: an ack (or error) for
 * changes, the multipart messages up to {@code NLMSG_DONE} for dumps. Kernel errors become {@link NativeException}s
 * naming the operation, with the kernel's extended-ack text when it gives one.
 */
final class NetlinkSocket implements AutoCloseable {
    private static final int AF_NETLINK = 16;
    private static final int NETLINK_ROUTE = 0;
    private static final int SOL_NETLINK = 270;
    private static final int NETLINK_CAP_ACK = 10;
    private static final int NETLINK_EXT_ACK = 11;
    private static final int SOCKADDR_NL_SIZE = 12;
    private static final int SEND_SIZE = 4096;
    /** Dump parts are at most 32 KiB; a larger buffer never truncates. */
    private static final int RECV_SIZE = 64 * 1024;

    private final int fd;
    private final Memory sendMem = new Memory(SEND_SIZE);
    private final Memory recvMem = new Memory(RECV_SIZE);
    private final ByteBuffer recvBuf = recvMem.getByteBuffer(0, RECV_SIZE).order(ByteOrder.nativeOrder());
    private final NetlinkMessage request = new NetlinkMessage(sendMem.getByteBuffer(0, SEND_SIZE));
    private int seq = (int) (System.nanoTime() & 0x7fffffff);
    private boolean closed;

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /** Opens and binds a socket in the calling thread's network namespace. */
    static NetlinkSocket open() throws NativeException {
        int fd;
        try {
            fd = LibC.socket(AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, NETLINK_ROUTE);
        } catch (LastErrorException e) {
            throw new NativeException("socket(AF_NETLINK, NETLINK_ROUTE)", e.getErrorCode());
        }
        try (Memory addr = new Memory(SOCKADDR_NL_SIZE)) {
            addr.clear();
            addr.setShort(0, (short) AF_NETLINK); // nl_pid 0: the kernel assigns one; no multicast groups
            LibC.bind(fd, addr, SOCKADDR_NL_SIZE);
        } catch (LastErrorException e) {
            LibC.closeQuietly(fd);
            throw new NativeException("bind(AF_NETLINK)", e.getErrorCode());
        }
        // Best effort: short acks (no echoed request) and the kernel's reason text on errors.
        setFlag(fd, NETLINK_CAP_ACK);
        setFlag(fd, NETLINK_EXT_ACK);
        return new NetlinkSocket(fd);
    }

    private static void setFlag(int fd, int option) {
        try (Memory one = new Memory(4)) {
            one.setInt(0, 1);
            LibC.setsockopt(fd, SOL_NETLINK, option, one, 4);
        } catch (LastErrorException ignored) {
            // older kernels: errors are still reported, only less verbosely
        }
    }

    /** @return the reusable request builder; call {@link NetlinkMessage#begin} first */
    NetlinkMessage request(int type, int flags) {
        return request.begin(type, flags);
    }

    /**
     * Sends the built request with {@code NLM_F_ACK} already among its flags and waits for the kernel's answer.
     *
     * @param what the operation, for the error message
     * @throws NativeException with the kernel's errno if it refused the request
     */
    synchronized void execute(String what) throws NativeException {
        int s = send(what);
        replies(what, s, (type, p, len) -> {
            if (type != NetlinkMessage.NLMSG_ERROR) {
                return false;
            }
            checkError(p, len, what);
            return true;
        });
    }

    /**
     * Sends the built dump request and hands every reply message (positioned at its payload, limited to its end)
     * to {@code each}.
     */
    synchronized void dump(String what, Consumer<ByteBuffer> each) throws NativeException {
        int s = send(what);
        replies(what, s, (type, p, len) -> {
            if (type == NetlinkMessage.NLMSG_DONE) {
                return true;
            }
            if (type == NetlinkMessage.NLMSG_ERROR) {
                checkError(p, len, what);
                return true;
            }
            ByteBuffer m = recvBuf.duplicate().order(ByteOrder.nativeOrder());
            m.limit(p + len).position(p + NetlinkMessage.HEADER);
            each.accept(m);
            return false;
        });
    }

    /** One reply message to our request: {@code true} when the exchange is over. */
    @FunctionalInterface
    private interface Reply {
        boolean handle(int type, int offset, int length) throws NativeException;
    }

    /** Reads replies until {@code reply} says the exchange with sequence number {@code seq} is over. */
    private void replies(String what, int seq, Reply reply) throws NativeException {
        while (true) {
            int n = receive(what);
            for (int p = 0; p + NetlinkMessage.HEADER <= n; ) {
                int len = recvBuf.getInt(p);
                int type = recvBuf.getShort(p + 4) & 0xffff;
                if (len < NetlinkMessage.HEADER || p + len > n) {
                    throw new NativeException(what + " [malformed netlink reply]", NativeException.EINVAL);
                }
                if (recvBuf.getInt(p + 8) == seq && reply.handle(type, p, len)) {
                    return;
                }
                p += (len + 3) & ~3;
            }
        }
    }

    private int send(String what) throws NativeException {
        if (closed) {
            throw new NativeException(what, NativeException.EBADF);
        }
        seq = (seq + 1) & 0x7fffffff;
        int len = request.finish(seq);
        try {
            // A null address: netlink sockets send to the kernel (pid 0) by default.
            LibC.sendto(fd, Pointer.nativeValue(sendMem), len, 0, null, 0);
        } catch (LastErrorException e) {
            throw new NativeException("sendto(netlink, " + what + ")", e.getErrorCode());
        }
        return seq;
    }

    private int receive(String what) throws NativeException {
        try {
            return (int) LibC.recv(fd, Pointer.nativeValue(recvMem), RECV_SIZE, 0);
        } catch (LastErrorException e) {
            throw new NativeException("recv(netlink, " + what + ")", e.getErrorCode());
        }
    }

    /** An {@code NLMSG_ERROR} at {@code p}: error 0 is the ack, anything else the negative errno. */
    private void checkError(int p, int len, String what) throws NativeException {
        int error = -recvBuf.getInt(p + NetlinkMessage.HEADER);
        if (error == 0) {
            return;
        }
        String reason = null;
        int flags = recvBuf.getShort(p + 6) & 0xffff;
        if ((flags & NetlinkMessage.NLM_F_ACK_TLVS) != 0) {
            // error code, then the echoed request header (payload capped by NETLINK_CAP_ACK), then the TLVs
            int echoedLen = recvBuf.getInt(p + NetlinkMessage.HEADER + 4);
            int tlvs = p + NetlinkMessage.HEADER + 4
                    + ((flags & NetlinkMessage.NLM_F_CAPPED) != 0 ? NetlinkMessage.HEADER : (echoedLen + 3) & ~3);
            reason = NetlinkMessage.string(NetlinkMessage.attributes(recvBuf, tlvs, p + len),
                    NetlinkMessage.NLMSGERR_ATTR_MSG);
        }
        throw new NativeException(reason == null || reason.isEmpty() ? what : what + " [kernel: " + reason + "]", error);
    }

    @Override
    public synchronized void close() throws NativeException {
        if (!closed) {
            closed = true;
            LibC.closeOrThrow(fd, "netlink socket");
        }
    }
}
