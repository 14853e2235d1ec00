package io.calloutd.nativebridge;

import io.netty.channel.unix.Errors;
import java.io.IOException;

/**
 * A failed operating-system call: which call failed, on what, and the {@code errno} it returned.
 *
 * <p>Every failing OS call made by this module surfaces as one of these, with a message like
 * {@code "ioctl(TUNSETIFF, tun0): Operation not permitted (errno 1)"}.
 */
public final class NativeException extends IOException {
    private static final long serialVersionUID = 1L;

    /** errno: operation not permitted. */
    public static final int EPERM = 1;
    /** errno: no such file or directory. */
    public static final int ENOENT = 2;
    /** errno: bad file descriptor. */
    public static final int EBADF = 9;
    /** errno: no such process (rtnetlink: no such route). */
    public static final int ESRCH = 3;
    /** errno: resource temporarily unavailable (would block). */
    public static final int EAGAIN = 11;
    /** errno: permission denied. */
    public static final int EACCES = 13;
    /** errno: device or resource busy. */
    public static final int EBUSY = 16;
    /** errno: file exists (rtnetlink: the route, rule or address is already there). */
    public static final int EEXIST = 17;
    /** errno: no such device. */
    public static final int ENODEV = 19;
    /** errno: invalid argument. */
    public static final int EINVAL = 22;
    /** errno: inappropriate ioctl for device. */
    public static final int ENOTTY = 25;
    /** errno: cannot assign requested address (rtnetlink: no such address). */
    public static final int EADDRNOTAVAIL = 99;
    /** errno: network is unreachable. */
    public static final int ENETUNREACH = 101;

    /** The failed call and its target. */
    private final String call;
    /** The positive errno value. */
    private final int errno;

    /**
     * Creates the exception for a failed call.
     *
     * @param call the call and what it acted on, e.g. {@code "ioctl(TUNSETIFF, tun0)"} or {@code "sendto"}
     * @param errno the positive errno value the call set
     */
    public NativeException(String call, int errno) {
        super(call + ": " + describe(errno) + " (errno " + errno + ")");
        this.call = call;
        this.errno = errno;
    }

    /**
     * Converts an exception thrown by Netty's native {@code FileDescriptor} I/O into a {@code NativeException}.
     *
     * @param call the call name to report, e.g. {@code "read(tun0 queue 1)"}
     * @param e the Netty exception; if it carries no errno ({@code NativeIoException}), {@link #EBADF} is assumed
     *          for closed-channel failures and {@link #EINVAL} otherwise
     * @return the converted exception, with {@code e} as its cause
     */
    public static NativeException fromNetty(String call, IOException e) {
        if (e instanceof NativeException) {
            return (NativeException) e;
        }
        int errno;
        if (e instanceof Errors.NativeIoException) {
            errno = Math.abs(((Errors.NativeIoException) e).expectedErr());
        } else if (e instanceof java.nio.channels.ClosedChannelException) {
            errno = EBADF;
        } else if (e instanceof java.io.FileNotFoundException) {
            errno = ENOENT;
        } else {
            errno = EINVAL;
        }
        NativeException ne = new NativeException(call, errno);
        ne.initCause(e);
        return ne;
    }

    /** @return the failed call and what it acted on, e.g. {@code "ioctl(TUNSETIFF, tun0)"} */
    public String call() {
        return call;
    }

    /** @return the positive errno value */
    public int errno() {
        return errno;
    }

    private static String describe(int errno) {
        try {
            String s = LibC.strerror(errno);
            return s != null ? s : "Unknown error " + errno;
        } catch (Throwable t) {
            // Never let the description of an error hide the error itself.
            return "Unknown error " + errno;
        }
    }
}
