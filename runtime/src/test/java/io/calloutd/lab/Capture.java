package io.calloutd.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** tcpdump writing a capture of one interface of a lab namespace, started and stopped by the test. */
final class Capture implements AutoCloseable {
    private final Process process;

    private Capture(Process process) {
        this.process = process;
    }

    /** Starts tcpdump on {@code iface} in {@code ns} and returns once it is capturing. */
    static Capture start(String ns, String iface, Path file, String filter) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "tcpdump", "-i", iface, "-n", "-U",
                "-Z", "root", "-w", file.toString()));
        cmd.addAll(List.of(filter.split(" ")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = r.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.contains("listening on")) {
                Thread drain = new Thread(() -> {
                    try {
                        r.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException ignored) {
                        // tcpdump ended
                    }
                }, "tcpdump-output");
                drain.setDaemon(true);
                drain.start();
                return new Capture(p);
            }
        }
        throw new IOException("tcpdump did not start: " + seen);
    }

    /** Stops tcpdump (SIGTERM flushes the file) and waits for it. */
    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
