package io.calloutd.nativebridge;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * JNA direct mapping ({@link Native#register}) of the few libc calls this module needs for setup and raw sends.
 *
 * <p>Direct mapping costs ~350 ns per call versus ~1.4 µs for interface mapping (see guides/native.md). Variadic C
 * functions (ioctl, fcntl, open) are declared with their fixed x86-64 argument shape, which is call-compatible.
 * Calls declare {@link LastErrorException} so errno is captured right after the call, before the JVM can clobber it.
 */
final class LibC {
    static {
        Native.register(LibC.class, "c");
    }

    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_RAW = 255;
    static final int SOL_SOCKET = 1;
    static final int SO_MARK = 36;

    static final int CLONE_NEWNET = 0x40000000;

    private LibC() {
    }

    static native int open(String path, int flags, int mode) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    /** ioctl whose argument is a pointer to a struct or int. */
    static native int ioctl(int fd, long request, Pointer arg) throws LastErrorException;

    /** ioctl whose argument is passed by value (e.g. TUNSETOFFLOAD takes the flags themselves). */
    static native int ioctl(int fd, long request, long arg) throws LastErrorException;

    static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, Pointer value, int len) throws LastErrorException;

    static native int getsockopt(int fd, int level, int name, Pointer value, Pointer len) throws LastErrorException;

    /** sendto with the buffer given as a raw native address, so the hot path allocates nothing. */
    static native long sendto(int fd, long buf, long len, int flags, Pointer addr, int addrLen)
            throws LastErrorException;

    static native int setns(int fd, int nstype) throws LastErrorException;

    static native int bind(int fd, Pointer addr, int addrLen) throws LastErrorException;

    /** recv into a raw native address (netlink replies). */
    static native long recv(int fd, long buf, long len, int flags) throws LastErrorException;

    /** capget(2): header and data are {@code cap_user_header_t} / two {@code cap_user_data_t} (version 3). */
    static native int capget(Pointer header, Pointer data) throws LastErrorException;

    /** capset(2); acts on the calling thread only. */
    static native int capset(Pointer header, Pointer data) throws LastErrorException;

    /** prctl(2) with its four optional arguments given explicitly (x86-64 call-compatible with the variadic C). */
    static native int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws LastErrorException;

    static native int setenv(String name, String value, int overwrite) throws LastErrorException;

    static native String getenv(String name);

    /** execv(3): argv is a NULL-terminated {@code char*[]}, e.g. a JNA {@code StringArray}. */
    static native int execv(String path, Pointer argv) throws LastErrorException;

    static native String strerror(int errno);

    /** Closes {@code fd}, turning a failure into a {@link NativeException} naming {@code what}. */
    static void closeOrThrow(int fd, String what) throws NativeException {
        try {
            close(fd);
        } catch (LastErrorException e) {
            throw new NativeException("close(" + what + ")", e.getErrorCode());
        }
    }

    /** Closes {@code fd} while another error is already being reported; a failure here is deliberately ignored. */
    static void closeQuietly(int fd) {
        try {
            close(fd);
        } catch (LastErrorException ignored) {
            // the original error matters more
        }
    }
}
