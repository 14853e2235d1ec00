package io.calloutd.nativebridge;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the iproute2 {@code ip} tool and returns its output. For tests and the lab (creating namespaces, an
 * independent view to check against); the daemon itself uses {@link Rtnetlink} and never runs {@code ip}.
 */
public final class IpCommand {
    /** How long one command may run before it is killed. */
    public static final long TIMEOUT_SECONDS = 10;

    private IpCommand() {
    }

    /**
     * Runs {@code ip ARGS...} in the JVM's own namespace and returns its standard output.
     *
     * @param args arguments after {@code ip}, e.g. {@code "netns", "add", "cbt-1"}
     * @return standard output
     * @throws IOException naming the command line, exit code and stderr if it fails or times out
     */
    public static String run(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(args.length + 1);
        cmd.add("ip");
        cmd.addAll(Arrays.asList(args));
        return exec(cmd);
    }

    /**
     * Runs {@code ip -n NS ARGS...}: the command acts inside namespace {@code ns}.
     *
     * @param ns namespace name
     * @param args arguments after {@code ip -n NS}
     * @return standard output
     * @throws IOException naming the command line, exit code and stderr if it fails or times out
     */
    public static String inNamespace(String ns, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(args.length + 3);
        cmd.add("ip");
        cmd.add("-n");
        cmd.add(ns);
        cmd.addAll(Arrays.asList(args));
        return exec(cmd);
    }

    private static String exec(List<String> cmd) throws IOException {
        // Output goes to files, not pipes, so a chatty or hung child can never block us past the timeout.
        File out = File.createTempFile("ipcmd", ".out");
        File err = File.createTempFile("ipcmd", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            boolean done;
            try {
                done = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException(String.join(" ", cmd) + ": interrupted", e);
            }
            if (!done) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out after " + TIMEOUT_SECONDS + " s");
            }
            String stdout = Files.readString(out.toPath(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                String stderr = Files.readString(err.toPath(), StandardCharsets.UTF_8).trim();
                throw new IOException(String.join(" ", cmd) + ": exit code " + p.exitValue() + ": " + stderr);
            }
            return stdout;
        } finally {
            Files.deleteIfExists(out.toPath());
            Files.deleteIfExists(err.toPath());
        }
    }
}
