package io.calloutd.nativebridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Child-process side of {@link CapabilitiesTest}: restricts itself to NET_ADMIN + NET_RAW, then reports, one
 * {@code key=value} line each, the Cap* sets of every thread and what it can still do.
 */
public final class CapabilityProbe {
    private CapabilityProbe() {
    }

    /**
     * @param args ignored
     * @throws Exception on any unexpected failure (the test then sees a non-zero exit)
     */
    public static void main(String[] args) throws Exception {
        // A few extra threads first, like a real daemon has: they must lose their capabilities too.
        for (int i = 0; i < 3; i++) {
            Thread t = new Thread(() -> sleepForever(), "probe-worker-" + i);
            t.setDaemon(true);
            t.start();
        }
        Capabilities.restrictProcessTo(Capabilities.mask(Capabilities.CAP_NET_ADMIN, Capabilities.CAP_NET_RAW));
        System.out.println("pid=" + ProcessHandle.current().pid());
        System.out.println("reexec=" + (System.getenv(Capabilities.REEXEC_MARKER) != null));
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            List<Path> all = tasks.toList();
            System.out.println("threads=" + all.size());
            for (Path task : all) {
                String status = Files.readString(task.resolve("status"));
                Map<String, Long> caps = Capabilities.parseStatus(status);
                System.out.println("task." + task.getFileName() + "=" + caps);
                status.lines().filter(l -> l.startsWith("NoNewPrivs:"))
                        .forEach(l -> System.out.println("task." + task.getFileName() + ".nnp=" + l.split(":\\s*")[1]));
            }
        }
        try (RawIpSocket s = RawIpSocket.openIpv4(0x7c0)) {
            System.out.println("rawSocketWithMark=ok");
        } catch (NativeException e) {
            System.out.println("rawSocketWithMark=" + e.errno());
        }
        Path f = Files.createTempFile("capprobe", ".txt");
        try {
            Files.setAttribute(f, "unix:uid", 4321); // needs CAP_CHOWN
            System.out.println("chown=ok");
        } catch (IOException e) {
            System.out.println("chown=denied");
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static void sleepForever() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
