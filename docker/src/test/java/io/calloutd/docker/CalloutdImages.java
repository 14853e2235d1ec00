package io.calloutd.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Builds (or reuses) the locally made images once per JVM by running {@code docker/build-images.sh}.
 * No image is ever pulled: the base comes from debootstrap, the others are {@code FROM} it.
 */
public final class CalloutdImages {
    /** Firewall image: base + the shaded daemon jar. */
    public static final String DAEMON = "calloutd-daemon:latest";
    /** Client/server host image. */
    public static final String PEER = "calloutd-peer:latest";

    private static boolean built;

    private CalloutdImages() {}

    /**
     * Runs the build script unless {@code -Dcalloutd.skipImageBuild=true}; the script reuses the base
     * image and the layer cache, so a warm run costs about a second.
     *
     * @throws IllegalStateException with the script's output when it fails
     */
    public static synchronized void ensureBuilt() throws IOException, InterruptedException {
        if (built || Boolean.getBoolean("calloutd.skipImageBuild")) {
            return;
        }
        Path dockerDir = Path.of(System.getProperty("calloutd.dockerDir", "docker")).toAbsolutePath().normalize();
        Path script = dockerDir.resolve("build-images.sh");
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException("image build script not found or not executable: " + script);
        }
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "peer", "daemon").redirectErrorStream(true);
        String jar = System.getProperty("calloutd.jar");
        if (jar != null) {
            pb.environment().put("CALLOUTD_JAR", Path.of(jar).toAbsolutePath().normalize().toString());
        }
        Process p = pb.start();
        // The base build (debootstrap) takes about a minute when the image is missing.
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(script + " failed:\n" + new String(out));
        }
        System.err.print(new String(out));
        built = true;
    }
}
