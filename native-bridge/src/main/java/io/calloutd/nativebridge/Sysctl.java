package io.calloutd.nativebridge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Kernel parameters of the current network namespace, read and written through /proc/sys (the same files
 * {@code sysctl} uses). Names use dots, e.g. {@code net.ipv4.ip_forward}.
 */
public final class Sysctl {
    private Sysctl() {
    }

    /**
     * @param name a sysctl name such as {@code net.ipv4.conf.all.rp_filter}
     * @return its current value, trimmed
     * @throws IOException naming the parameter when it cannot be read
     */
    public static String get(String name) throws IOException {
        try {
            return readProcFile(path(name)).trim();
        } catch (IOException e) {
            throw new IOException("cannot read sysctl " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sets a parameter.
     *
     * @return the previous value, so callers can restore it
     * @throws IOException naming the parameter when it cannot be written
     */
    public static String set(String name, String value) throws IOException {
        String previous = get(name);
        try {
            Files.writeString(path(name), value + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IOException("cannot set sysctl " + name + "=" + value + ": " + e.getMessage(), e);
        }
        return previous;
    }

    /**
     * Reads a /proc file completely. {@code Files.readString} trusts the size /proc reports and on JDK 17 returns
     * only the first byte of a sysctl file ("4" for a value of 40); a stream read goes to end of file.
     *
     * @param file a file under /proc
     * @return its whole text
     * @throws IOException if it cannot be read
     */
    public static String readProcFile(Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static Path path(String name) {
        if (!name.matches("[a-z0-9_.\\-]+") || name.contains("..")) {
            throw new IllegalArgumentException("not a sysctl name: " + name);
        }
        return Path.of("/proc/sys", name.replace('.', '/'));
    }
}
