package io.calloutd.callouts.lab;

import io.calloutd.daemon.StatsSnapshot;
import io.calloutd.nativebridge.NetNs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Policy files, plain TCP connect attempts between lab namespaces, and reading callout status from the stats file. */
final class LabSupport {
    private LabSupport() { }

    /** Writes {@code yaml} as policy.yaml in a new temporary directory. */
    static Path policy(Path dir, String yaml) throws IOException {
        Path f = dir.resolve("policy.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    /** Deletes a temporary directory tree. */
    static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The status a configured callout instance reported in the stats file (by its config id). */
    static Map<String, Object> status(StatsSnapshot s, String id) {
        Map<String, Object> m = s.calloutInstances().get(id);
        if (m == null) throw new AssertionError("no callout instance " + id + " in " + s.calloutInstances().keySet());
        @SuppressWarnings("unchecked") Map<String, Object> st = m.containsKey("status") && m.get("status") instanceof Map<?, ?>
                ? (Map<String, Object>) m.get("status") : m;
        return st;
    }

    /** A numeric entry of a status map. */
    static long num(Map<String, Object> status, String key) {
        Object v = status.get(key);
        if (!(v instanceof Number n)) throw new AssertionError(key + " missing or not a number in " + status);
        return n.longValue();
    }

    /**
     * Tries a TCP connection from {@code fromNs} (bound to {@code fromAddress}, or any if null) to a listener opened in
     * {@code toNs} on {@code toAddress:port}; true if it was accepted within {@code timeoutMillis}.
     */
    static boolean connects(String fromNs, String fromAddress, String toNs, String toAddress, int port, int timeoutMillis)
            throws Exception {
        ExecutorService server = NetNs.executor(toNs);
        ExecutorService client = NetNs.executor(fromNs);
        try {
            ServerSocket listener = server.submit(() -> {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(toAddress), port));
                s.setSoTimeout(timeoutMillis + 1000);
                return s;
            }).get(10, TimeUnit.SECONDS);
            try (listener) {
                Future<Boolean> accepted = server.submit(() -> {
                    try (Socket s = listener.accept()) {
                        return true;
                    } catch (SocketTimeoutException e) {
                        return false;
                    }
                });
                boolean connected = client.submit(() -> {
                    try (Socket c = new Socket()) {
                        if (fromAddress != null) c.bind(new InetSocketAddress(InetAddress.getByName(fromAddress), 0));
                        c.connect(new InetSocketAddress(InetAddress.getByName(toAddress), port), timeoutMillis);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                }).get(timeoutMillis + 10_000L, TimeUnit.MILLISECONDS);
                return connected & accepted.get(timeoutMillis + 10_000L, TimeUnit.MILLISECONDS);
            }
        } finally {
            server.shutdownNow();
            client.shutdownNow();
        }
    }
}
