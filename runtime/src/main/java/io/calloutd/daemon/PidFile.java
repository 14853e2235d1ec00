package io.calloutd.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The daemon's pid file: written atomically once it is ready, removed at a clean stop. */
final class PidFile {
    private PidFile() {
    }

    /**
     * Writes this process's pid followed by a newline to {@code file}, replacing it atomically.
     *
     * @throws IOException naming the file if it cannot be written
     */
    static void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".calloutd-pid", ".tmp");
        try {
            Files.writeString(tmp, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot write pid file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Removes the pid file if it still names this process (a successor may have replaced it). */
    static void remove(Path file) {
        try {
            String content = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (content.equals(Long.toString(ProcessHandle.current().pid()))) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // already gone
        }
    }
}
