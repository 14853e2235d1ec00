package io.calloutd.callouts.flowmonitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Appends finished flow records to a file as JSON lines. Opened on first use (creating a callout has no side
 * effects), written only from the monitor's sweeper or its close, never from a packet thread. A write error is
 * counted and the record dropped from the file (it stays visible in the status).
 */
final class RecordFile implements AutoCloseable {
    private final Path path;
    private final ObjectMapper json = new ObjectMapper();
    private BufferedWriter out;
    private long written, errors;

    RecordFile(Path path) {
        this.path = path;
    }

    Path path() { return path; }

    synchronized void write(Map<String, Object> record) {
        try {
            if (out == null) {
                out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            }
            out.write(json.writeValueAsString(record));
            out.write('\n');
            written++;
        } catch (IOException e) {
            errors++;
        }
    }

    synchronized void flush() {
        if (out == null) return;
        try {
            out.flush();
        } catch (IOException e) {
            errors++;
        }
    }

    synchronized long written() { return written; }

    synchronized long errors() { return errors; }

    @Override
    public synchronized void close() {
        if (out == null) return;
        try {
            out.close();
        } catch (IOException e) {
            errors++;
        }
        out = null;
    }
}
