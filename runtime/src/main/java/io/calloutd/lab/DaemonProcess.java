package io.calloutd.lab;

import io.calloutd.daemon.StatsFile;
import io.calloutd.daemon.StatsSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code calloutd run} process started inside a namespace (as an operator would, through
 * {@code ip netns exec}), with its stats file and log in a private directory. Used by the demo and tests.
 */
public final class DaemonProcess implements AutoCloseable {
    private final Process process;
    private final Path statsFile;
    private final Path logFile;
    private final Path dir;

    private DaemonProcess(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
        this.statsFile = dir.resolve("stats.json");
        this.logFile = dir.resolve("calloutd.log");
    }

    /**
     * Starts the daemon in the lab's firewall namespace in gateway mode and waits until it reports ready.
     *
     * @param jar       the packaged daemon (calloutd.jar); null = the jar or classpath this JVM runs from
     * @param extraArgs further {@code run} options
     */
    public static DaemonProcess startGateway(LabTopology lab, Path jar, String... extraArgs) throws IOException {
        Path dir = Files.createTempDirectory("calloutd-lab-");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lab.firewall(), javaBinary(), "-cp",
                jar != null ? jar.toString() : System.getProperty("java.class.path"),
                "io.calloutd.daemon.Main", "run", "--gateway",
                "--inside", LabTopology.FW_INSIDE, "--outside", LabTopology.FW_OUTSIDE,
                "--stats-file", dir.resolve("stats.json").toString(), "--stats-interval-ms", "200"));
        cmd.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("calloutd.log").toFile()).start();
        DaemonProcess d = new DaemonProcess(p, dir);
        try {
            d.awaitReady(20_000);
            return d;
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private void awaitReady(long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("calloutd exited with status " + process.exitValue() + " during start:\n" + log());
            }
            if (Files.exists(statsFile)) {
                try {
                    if (StatsFile.read(statsFile).ready()) {
                        return;
                    }
                } catch (IOException partial) {
                    // written atomically, but be tolerant of a race with the first write
                }
            }
            sleep(50);
        }
        throw new IOException("calloutd did not become ready within " + timeoutMillis + " ms:\n" + log());
    }

    /** @return the latest counters the daemon wrote */
    public StatsSnapshot stats() throws IOException {
        return StatsFile.read(statsFile);
    }

    /** @return the daemon's output so far */
    public String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** @return whether the process is still running */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return the daemon's pid */
    public long pid() {
        return process.pid();
    }

    /** Kills the daemon with SIGKILL (no cleanup runs: tests the fail mode) and waits for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * Stops the daemon with SIGTERM (its clean shutdown path) and waits for it.
     *
     * @return the exit status, or -1 if it had to be killed
     */
    public int stop() {
        if (!process.isAlive()) {
            return process.exitValue();
        }
        process.destroy();
        try {
            if (process.waitFor(20, TimeUnit.SECONDS)) {
                return process.exitValue();
            }
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        return -1;
    }

    /** Stops the daemon if it runs and removes its working files. */
    @Override
    public void close() {
        stop();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // temp files only
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
