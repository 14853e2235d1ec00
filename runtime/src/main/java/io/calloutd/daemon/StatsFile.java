package io.calloutd.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes and reads the stats file atomically (write a sibling, then rename), so readers never see half a file. */
public final class StatsFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatsFile() {
    }

    /** Replaces the file's content with the snapshot. */
    public static void write(Path file, StatsSnapshot snapshot) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), snapshot);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a snapshot written by {@link #write}. */
    public static StatsSnapshot read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), StatsSnapshot.class);
    }
}
