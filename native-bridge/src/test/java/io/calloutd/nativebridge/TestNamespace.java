package io.calloutd.nativebridge;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/** A throw-away network namespace {@code cbt-<random>} for one test; {@link #close} deletes it. */
final class TestNamespace implements AutoCloseable {
    final String name;

    TestNamespace() throws IOException {
        this.name = "cbt-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
        IpCommand.run("netns", "add", name);
        ip("link", "set", "lo", "up");
    }

    /** Runs {@code ip -n NAME args...}. */
    String ip(String... args) throws IOException {
        return IpCommand.inNamespace(name, args);
    }

    static boolean exists(String name) throws IOException {
        for (String line : IpCommand.run("netns", "list").split("\n")) {
            if (line.split(" ")[0].equals(name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        IpCommand.run("netns", "delete", name);
    }
}
