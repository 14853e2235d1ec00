package io.calloutd.nativebridge;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A multi-queue layer-3 TUN device: one non-blocking fd per queue, created in the calling thread's network
 * namespace (use {@link NetNs#call} to create it elsewhere).
 *
 * <p>Closing the device closes every queue fd; the kernel then removes the interface.
 */
public final class TunDevice implements AutoCloseable {
    /** ioctl TUNSETIFF = _IOW('T', 202, int): attach the fd to a named TUN/TAP interface. */
    static final long TUNSETIFF = 0x400454caL;
    /** ioctl TUNSETOFFLOAD = _IOW('T', 208, unsigned int): the argument is the flag value itself. */
    static final long TUNSETOFFLOAD = 0x400454d0L;
    /** ioctl TUNGETVNETHDRSZ = _IOR('T', 215, int). */
    static final long TUNGETVNETHDRSZ = 0x800454d7L;
    /** ioctl TUNSETVNETHDRSZ = _IOW('T', 216, int). */
    static final long TUNSETVNETHDRSZ = 0x400454d8L;

    static final short IFF_TUN = 0x0001;
    static final short IFF_MULTI_QUEUE = 0x0100;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_VNET_HDR = 0x4000;

    /** Offload flag: the reader accepts packets with a partial checksum (virtio NEEDS_CSUM). */
    public static final int TUN_F_CSUM = 0x01;
    /** Offload flag: the reader accepts TCPv4 GSO super-frames. */
    public static final int TUN_F_TSO4 = 0x02;
    /** Offload flag: the reader accepts TCPv6 GSO super-frames. */
    public static final int TUN_F_TSO6 = 0x04;
    /** Offload flag: the reader accepts TSO frames with ECN (CWR) set. */
    public static final int TUN_F_TSO_ECN = 0x08;
    /** Offload flag: UDP fragmentation offload (deprecated by the kernel, kept for completeness). */
    public static final int TUN_F_UFO = 0x10;
    /** Offload flag: UDP segmentation offload for IPv4 (kernel 6.2+). */
    public static final int TUN_F_USO4 = 0x20;
    /** Offload flag: UDP segmentation offload for IPv6 (kernel 6.2+). */
    public static final int TUN_F_USO6 = 0x40;

    private static final int IFNAMSIZ = 16;
    private static final int IFREQ_SIZE = 40;
    private static final String CLONE_DEVICE = "/dev/net/tun";

    private final String name;
    private final boolean vnetHeader;
    private final List<TunQueue> queues;
    private volatile boolean closed;

    private TunDevice(String name, boolean vnetHeader, List<TunQueue> queues) {
        this.name = name;
        this.vnetHeader = vnetHeader;
        this.queues = Collections.unmodifiableList(queues);
    }

    /**
     * Creates (or attaches to) TUN device {@code name} with {@code queues} queues, in the calling thread's
     * network namespace.
     *
     * @param name interface name (at most 15 bytes); a pattern like {@code "tun%d"} lets the kernel pick
     * @param queues number of queues (fds), at least 1
     * @param vnetHeader whether each packet is preceded by a {@code virtio_net_hdr} ({@code IFF_VNET_HDR})
     * @return the open device
     * @throws NativeException if opening /dev/net/tun, TUNSETIFF or fcntl fails (e.g. EPERM when not root)
     */
    public static TunDevice create(String name, int queues, boolean vnetHeader) throws NativeException {
        if (queues < 1) {
            throw new IllegalArgumentException("queues must be >= 1: " + queues);
        }
        byte[] nameBytes = name == null ? new byte[0] : name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name longer than 15 bytes: " + name);
        }
        // Netty's FileDescriptor read/write are JNI methods of the epoll native library: load it up front.
        Epoll.ensureAvailability();
        short flags = (short) (IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE | (vnetHeader ? IFF_VNET_HDR : 0));
        List<TunQueue> opened = new ArrayList<>(queues);
        String actualName = name;
        try (Memory ifreq = new Memory(IFREQ_SIZE)) {
            for (int i = 0; i < queues; i++) {
                int fd = openQueue(ifreq, nameBytes, flags, actualName);
                actualName = ifreq.getString(0, StandardCharsets.US_ASCII.name());
                // Every later queue must attach to the device the kernel actually named.
                nameBytes = actualName.getBytes(StandardCharsets.US_ASCII);
                opened.add(new TunQueue(actualName, i, vnetHeader, new FileDescriptor(fd)));
            }
        } catch (NativeException | RuntimeException e) {
            for (TunQueue q : opened) {
                q.closeQuietly();
            }
            throw e;
        }
        return new TunDevice(actualName, vnetHeader, new ArrayList<>(opened));
    }

    private static int openQueue(Memory ifreq, byte[] nameBytes, short flags, String displayName)
            throws NativeException {
        int fd;
        try {
            fd = LibC.open(CLONE_DEVICE, LibC.O_RDWR | LibC.O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new NativeException("open(" + CLONE_DEVICE + ")", e.getErrorCode());
        }
        try {
            ifreq.clear();
            ifreq.write(0, nameBytes, 0, nameBytes.length);
            ifreq.setShort(IFNAMSIZ, flags);
            try {
                LibC.ioctl(fd, TUNSETIFF, ifreq);
            } catch (LastErrorException e) {
                throw new NativeException("ioctl(TUNSETIFF, " + displayName + ")", e.getErrorCode());
            }
            setNonBlocking(fd, displayName);
            return fd;
        } catch (NativeException e) {
            LibC.closeQuietly(fd);
            throw e;
        }
    }

    static void setNonBlocking(int fd, String what) throws NativeException {
        try {
            int fl = LibC.fcntl(fd, LibC.F_GETFL, 0);
            LibC.fcntl(fd, LibC.F_SETFL, fl | LibC.O_NONBLOCK);
        } catch (LastErrorException e) {
            throw new NativeException("fcntl(F_SETFL O_NONBLOCK, " + what + ")", e.getErrorCode());
        }
    }

    /** @return the interface name the kernel gave the device, e.g. {@code "tun0"} */
    public String name() {
        return name;
    }

    /** @return whether packets on every queue carry a {@code virtio_net_hdr} prefix */
    public boolean vnetHeader() {
        return vnetHeader;
    }

    /** @return the queues, index {@code i} at position {@code i}; unmodifiable */
    public List<TunQueue> queues() {
        return queues;
    }

    /**
     * Tells the kernel which offloads the reader handles ({@code TUNSETOFFLOAD}); with {@link #TUN_F_TSO4} etc.
     * the kernel may hand over GSO super-frames. Only meaningful with a vnet header.
     *
     * @param flags a combination of the {@code TUN_F_*} constants, or 0 to disable all offloads
     * @throws NativeException e.g. EINVAL for flags the kernel does not know
     */
    public void setOffload(int flags) throws NativeException {
        try {
            LibC.ioctl(controlFd(), TUNSETOFFLOAD, flags & 0xffffffffL);
        } catch (LastErrorException e) {
            throw new NativeException("ioctl(TUNSETOFFLOAD, " + name + ")", e.getErrorCode());
        }
    }

    /**
     * Sets the size of the vnet header the kernel writes before / expects before each packet
     * ({@code TUNSETVNETHDRSZ}): {@link VirtioNetHeader#SIZE} or {@link VirtioNetHeader#SIZE_MRG_RXBUF}.
     *
     * @param size header size in bytes (the kernel rejects values below 10)
     * @throws NativeException e.g. EINVAL for a size below 10
     */
    public void setVnetHeaderSize(int size) throws NativeException {
        try (Memory arg = new Memory(4)) {
            arg.setInt(0, size);
            LibC.ioctl(controlFd(), TUNSETVNETHDRSZ, arg);
        } catch (LastErrorException e) {
            throw new NativeException("ioctl(TUNSETVNETHDRSZ, " + name + ")", e.getErrorCode());
        }
    }

    /**
     * Reads the current vnet header size ({@code TUNGETVNETHDRSZ}).
     *
     * @return the size in bytes (10 unless changed)
     * @throws NativeException if the ioctl fails
     */
    public int vnetHeaderSize() throws NativeException {
        try (Memory arg = new Memory(4)) {
            arg.setInt(0, 0);
            LibC.ioctl(controlFd(), TUNGETVNETHDRSZ, arg);
            return arg.getInt(0);
        } catch (LastErrorException e) {
            throw new NativeException("ioctl(TUNGETVNETHDRSZ, " + name + ")", e.getErrorCode());
        }
    }

    // Offload and header size are per device, so any attached queue fd will do.
    private int controlFd() throws NativeException {
        if (closed) {
            throw new NativeException("ioctl(" + name + ")", NativeException.EBADF);
        }
        return queues.get(0).fd().intValue();
    }

    /**
     * Closes all queue fds; the interface disappears once the last one is closed. Idempotent.
     *
     * @throws NativeException if closing an fd fails (all fds are still attempted)
     */
    @Override
    public void close() throws NativeException {
        if (closed) {
            return;
        }
        closed = true;
        NativeException first = null;
        for (TunQueue q : queues) {
            try {
                q.fd().close();
            } catch (IOException e) {
                if (first == null) {
                    first = NativeException.fromNetty("close(" + name + " queue " + q.index() + ")", e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "TunDevice{" + name + ", queues=" + queues.size() + ", vnetHeader=" + vnetHeader + '}';
    }
}
