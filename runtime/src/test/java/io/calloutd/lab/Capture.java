package io.calloutd.lab;

import java.io.IOException;
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

    private Path log;

    /** Starts tcpdump on {@code iface} in {@code ns} and returns once it is capturing; its output goes to FILE.log. */
    static Capture start(String ns, String iface, Path file, String filter) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "tcpdump", "-i", iface, "-n", "-U", "--immediate-mode",
                "-Z", "root", "-w", file.toString()));
        cmd.addAll(List.of(filter.split(" ")));
        Path log = file.resolveSibling(file.getFileName() + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (java.nio.file.Files.readString(log).contains("listening on")) {
                Capture c = new Capture(p);
                c.log = log;
                return c;
            }
            if (!p.isAlive()) break;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        p.destroyForcibly();
        throw new IOException("tcpdump did not start: " + java.nio.file.Files.readString(log));
    }

    /** tcpdump's output so far (its closing lines count captured and dropped packets). */
    String output() throws IOException {
        return java.nio.file.Files.readString(log);
    }

    /** Stops tcpdump (SIGTERM flushes the file) and waits for it. */
    @Override
    public void close() throws IOException {
        if (!process.isAlive()) {
            return;
        }
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
