package io.calloutd.nativebridge;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.StringArray;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reduces the process to a few Linux capabilities for good.
 *
 * <p>Capability sets, the bounding set and no_new_privs belong to each <em>thread</em>, and a JVM has many threads
 * this code cannot run on (GC, compiler, the launcher's primordial thread). Changing the calling thread alone would
 * leave the rest privileged, so {@link #restrictProcessTo} restricts the calling thread and then {@code execv}s the
 * same command line: the new image starts every thread from the restricted credentials. Run it first thing, before
 * anything opens devices or sockets.
 */
public final class Capabilities {
    /** CAP_NET_ADMIN: TUN devices, routes, rules, SO_MARK. */
    public static final int CAP_NET_ADMIN = 12;
    /** CAP_NET_RAW: raw sockets for send-path injection. */
    public static final int CAP_NET_RAW = 13;
    /** CAP_SETPCAP: needed to shrink the bounding set. */
    public static final int CAP_SETPCAP = 8;

    /** Set in the environment of the re-executed image so a failure to drop can never loop. */
    static final String REEXEC_MARKER = "CALLOUTD_CAPS_RESTRICTED";
    private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
    private static final int PR_CAPBSET_READ = 23;
    private static final int PR_CAPBSET_DROP = 24;
    private static final int PR_SET_NO_NEW_PRIVS = 38;
    private static final int PR_CAP_AMBIENT = 47;
    private static final int PR_CAP_AMBIENT_RAISE = 2;
    private static final int PR_CAP_AMBIENT_CLEAR_ALL = 4;

    private Capabilities() {
    }

    /** @return a mask with bit {@code cap} set for each capability number given */
    public static long mask(int... caps) {
        long m = 0;
        for (int c : caps) {
            m |= 1L << c;
        }
        return m;
    }

    /**
     * Makes {@code keep} (a {@link #mask}) the process's only capabilities: effective, permitted, inheritable, ambient
     * and bounding sets, with no_new_privs set. If the process holds anything beyond {@code keep}, this call does not
     * return: it re-executes {@code /proc/self/exe} with the same arguments (same pid, namespaces and open standard
     * streams). If there is nothing to drop it sets no_new_privs and returns.
     *
     * @param keep capabilities to keep, e.g. {@code mask(CAP_NET_ADMIN, CAP_NET_RAW)}
     * @throws NativeException if a step fails (e.g. EPERM: shrinking the bounding set needs CAP_SETPCAP)
     * @throws IOException if /proc cannot be read
     */
    public static void restrictProcessTo(long keep) throws IOException {
        int last = lastCap();
        long all = last >= 63 ? -1L : (1L << (last + 1)) - 1;
        long[] sets = get();
        long bounding = boundingSet(last);
        boolean extra = ((sets[0] | sets[1] | sets[2] | bounding) & ~keep & all) != 0;
        if (!extra) {
            setNoNewPrivs();
            return;
        }
        if (LibC.getenv(REEXEC_MARKER) != null) {
            throw new NativeException("restrict capabilities: still privileged after re-exec (permitted 0x"
                    + Long.toHexString(sets[1]) + ", bounding 0x" + Long.toHexString(bounding) + ")", NativeException.EPERM);
        }
        restrictCallingThread(keep);
        List<String> argv = commandLine();
        try {
            LibC.setenv(REEXEC_MARKER, "1", 1);
            LibC.execv("/proc/self/exe", new StringArray(argv.toArray(String[]::new)));
        } catch (LastErrorException e) {
            throw new NativeException("execv(/proc/self/exe)", e.getErrorCode());
        }
        throw new IllegalStateException("execv returned");
    }

    /**
     * Restricts the calling thread only (see the class comment for why that alone is not enough for a JVM): drops
     * the bounding set down to {@code keep}, sets effective = permitted = inheritable = ambient = {@code keep} ∩ what
     * the thread holds, and sets no_new_privs.
     */
    static void restrictCallingThread(long keep) throws IOException {
        int last = lastCap();
        long bounding = boundingSet(last);
        for (int cap = 0; cap <= last; cap++) {
            if ((keep & (1L << cap)) == 0 && (bounding & (1L << cap)) != 0) {
                prctl("PR_CAPBSET_DROP " + cap, PR_CAPBSET_DROP, cap, 0);
            }
        }
        long held = get()[1] & keep;
        set(held, held, held);
        prctl("PR_CAP_AMBIENT_CLEAR_ALL", PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0);
        for (int cap = 0; cap <= last; cap++) {
            if ((held & (1L << cap)) != 0) {
                // Ambient keeps the capabilities across execve for a non-root user (root regains them anyway).
                prctl("PR_CAP_AMBIENT_RAISE " + cap, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap);
            }
        }
        setNoNewPrivs();
    }

    private static void setNoNewPrivs() throws NativeException {
        prctl("PR_SET_NO_NEW_PRIVS", PR_SET_NO_NEW_PRIVS, 1, 0);
    }

    /**
     * Reads the {@code Cap*} lines of {@code /proc/PID/status} (the process's main thread).
     *
     * @param pid a process id, or 0 for this process
     * @return e.g. {@code CapEff -> 0x3000}, in file order (CapInh, CapPrm, CapEff, CapBnd, CapAmb)
     */
    public static Map<String, Long> status(long pid) throws IOException {
        return parseStatus(Sysctl.readProcFile(Path.of("/proc", pid == 0 ? "self" : Long.toString(pid), "status")));
    }

    /** @return the Cap* lines of a {@code status} file's text */
    public static Map<String, Long> parseStatus(String status) {
        Map<String, Long> r = new LinkedHashMap<>();
        for (String line : status.split("\n")) {
            if (line.startsWith("Cap")) {
                String[] kv = line.split(":\\s*");
                r.put(kv[0], Long.parseUnsignedLong(kv[1].trim(), 16));
            }
        }
        return r;
    }

    /** @return effective, permitted, inheritable of the calling thread */
    private static long[] get() throws NativeException {
        try (Memory header = header(); Memory data = new Memory(24)) {
            data.clear();
            LibC.capget(header, data);
            // Two 32-bit halves per set, each struct {effective, permitted, inheritable}.
            return new long[] {join(data, 0), join(data, 4), join(data, 8)};
        } catch (LastErrorException e) {
            throw new NativeException("capget", e.getErrorCode());
        }
    }

    private static void set(long effective, long permitted, long inheritable) throws NativeException {
        try (Memory header = header(); Memory data = new Memory(24)) {
            long[] v = {effective, permitted, inheritable};
            for (int i = 0; i < 3; i++) {
                data.setInt(i * 4L, (int) v[i]);
                data.setInt(12 + i * 4L, (int) (v[i] >>> 32));
            }
            LibC.capset(header, data);
        } catch (LastErrorException e) {
            throw new NativeException("capset(0x" + Long.toHexString(permitted) + ")", e.getErrorCode());
        }
    }

    private static long join(Memory data, int offset) {
        return (data.getInt(offset) & 0xffffffffL) | ((long) data.getInt(12 + offset) << 32);
    }

    private static Memory header() {
        Memory h = new Memory(8);
        h.setInt(0, LINUX_CAPABILITY_VERSION_3);
        h.setInt(4, 0); // pid 0: the calling thread
        return h;
    }

    private static long boundingSet(int last) throws NativeException {
        long b = 0;
        for (int cap = 0; cap <= last; cap++) {
            if (prctl("PR_CAPBSET_READ " + cap, PR_CAPBSET_READ, cap, 0) == 1) {
                b |= 1L << cap;
            }
        }
        return b;
    }

    private static int prctl(String what, int option, long arg2, long arg3) throws NativeException {
        try {
            return LibC.prctl(option, arg2, arg3, 0, 0);
        } catch (LastErrorException e) {
            throw new NativeException("prctl(" + what + ")", e.getErrorCode());
        }
    }

    private static int lastCap() throws IOException {
        return Integer.parseInt(Sysctl.readProcFile(Path.of("/proc/sys/kernel/cap_last_cap")).trim());
    }

    private static List<String> commandLine() throws IOException {
        byte[] raw;
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/cmdline"))) {
            raw = in.readAllBytes();
        }
        List<String> argv = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                argv.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return argv;
    }
}
