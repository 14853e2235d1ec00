package io.calloutd.nativebridge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One queue (non-blocking fd) of a {@link TunDevice}. Each {@link #read} returns exactly one packet;
 * each {@link #write} injects exactly one packet into the kernel as if received on the interface.
 *
 * <p>Per-packet I/O goes through Netty's JNI {@link FileDescriptor} (~200 ns per call, no allocation).
 * Reads from one queue must come from one thread at a time; writes are safe from any thread (the kernel
 * serialises them).
 */
public final class TunQueue {
    private final String deviceName;
    private final int index;
    private final boolean vnetHeader;
    private final FileDescriptor fd;
    // Built once so the error path is the only place that allocates.
    private final String readCall;
    private final String writeCall;

    TunQueue(String deviceName, int index, boolean vnetHeader, FileDescriptor fd) {
        this.deviceName = deviceName;
        this.index = index;
        this.vnetHeader = vnetHeader;
        this.fd = fd;
        this.readCall = "read(" + deviceName + " queue " + index + ")";
        this.writeCall = "write(" + deviceName + " queue " + index + ")";
    }

    /** @return this queue's position in {@link TunDevice#queues()} */
    public int index() {
        return index;
    }

    /** @return whether packets on this queue carry a {@code virtio_net_hdr} prefix ({@link VirtioNetHeader}) */
    public boolean vnetHeader() {
        return vnetHeader;
    }

    /** @return the name of the device this queue belongs to */
    public String deviceName() {
        return deviceName;
    }

    /** @return the queue's fd; owned by the {@link TunDevice}, do not close it directly */
    public FileDescriptor fd() {
        return fd;
    }

    /**
     * Reads one packet into the writable bytes of {@code dst} and advances its writer index.
     *
     * <p>{@code dst} should have at least MTU (plus vnet header) writable bytes, or the kernel truncates the packet.
     *
     * @param dst a direct buffer with writable space
     * @return the packet length in bytes, or 0 if no packet is waiting (EAGAIN)
     * @throws NativeException if the read fails for another reason (e.g. EBADF after close)
     * @throws IllegalArgumentException if {@code dst} is not direct or has no writable bytes
     */
    public int read(ByteBuf dst) throws NativeException {
        int writable = dst.writableBytes();
        if (writable == 0 || !dst.isDirect()) {
            throw new IllegalArgumentException("need a direct buffer with writable bytes: " + dst);
        }
        int wi = dst.writerIndex();
        int n;
        try {
            if (dst.hasMemoryAddress()) {
                n = fd.readAddress(dst.memoryAddress(), wi, wi + writable);
            } else {
                ByteBuffer nio = dst.internalNioBuffer(wi, writable);
                n = fd.read(nio, nio.position(), nio.limit());
            }
        } catch (IOException e) {
            throw NativeException.fromNetty(readCall, e);
        }
        if (n <= 0) {
            return 0; // 0 = EAGAIN; -1 (EOF) cannot happen on a TUN fd
        }
        dst.writerIndex(wi + n);
        return n;
    }

    /**
     * Writes the readable bytes of {@code src} as one packet. The reader index is not moved: the caller
     * still owns and releases the buffer.
     *
     * @param src a direct buffer holding one complete packet (with vnet header if {@link #vnetHeader()})
     * @return bytes written, or 0 if the kernel would block (EAGAIN)
     * @throws NativeException if the kernel rejects the packet (e.g. EINVAL for a malformed one) or the fd is closed
     * @throws IllegalArgumentException if {@code src} is not direct
     */
    public int write(ByteBuf src) throws NativeException {
        if (!src.isDirect()) {
            throw new IllegalArgumentException("need a direct buffer: " + src);
        }
        int ri = src.readerIndex();
        int len = src.readableBytes();
        try {
            if (src.hasMemoryAddress()) {
                return fd.writeAddress(src.memoryAddress(), ri, ri + len);
            }
            ByteBuffer nio = src.internalNioBuffer(ri, len);
            return fd.write(nio, nio.position(), nio.limit());
        } catch (IOException e) {
            throw NativeException.fromNetty(writeCall, e);
        }
    }

    void closeQuietly() {
        try {
            fd.close();
        } catch (IOException ignored) {
            // only used while reporting an earlier error
        }
    }

    @Override
    public String toString() {
        return "TunQueue{" + deviceName + '#' + index + ", fd=" + fd.intValue() + '}';
    }
}
