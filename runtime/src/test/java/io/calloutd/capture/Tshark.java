package io.calloutd.capture;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs tshark (the independent reader) over a capture file and returns its field lines. */
public final class Tshark {
    private Tshark() { }

    /** The result of one tshark run. */
    public record Output(int exit, List<String> lines, String stderr) { }

    /** {@code tshark -r FILE -T fields -E separator=| -e f1 -e f2 ...}. */
    public static Output fields(Path file, String... fields) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString(), "-T", "fields", "-E", "separator=|"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tshark timed out");
        }
        // tshark warns about running as root; that is not an error in the file.
        String errors = err.lines().filter(l -> !l.contains("Running as user \"root\"")).reduce("", (a, b) -> a + b + "\n");
        return new Output(p.exitValue(), out.lines().toList(), errors);
    }
}
