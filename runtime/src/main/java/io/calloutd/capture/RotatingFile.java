package io.calloutd.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A capture file that rotates by size like a log: when writing a block would take {@code file} past
 * {@code maxBytes}, {@code file.N-1} becomes {@code file.N} (the oldest, {@code file.(files-1)}, is deleted),
 * {@code file} becomes {@code file.1}, and a new {@code file} starts with the pcapng header. Single writer thread.
 */
final class RotatingFile implements AutoCloseable {
    private final Path file;
    private final long maxBytes;
    private final int files;
    private final byte[] header;
    private FileChannel channel;
    private long size;
    private long rotations;

    RotatingFile(Path file, long maxBytes, int files, byte[] header) throws IOException {
        this.file = file;
        this.maxBytes = maxBytes;
        this.files = files;
        this.header = header;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        open();
    }

    private void open() throws IOException {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        writeFully(ByteBuffer.wrap(header));
        size = header.length;
    }

    /** Writes one block (whole), rotating first if it would not fit. */
    void write(ByteBuffer block) throws IOException {
        if (size > header.length && size + block.remaining() > maxBytes) {
            rotate();
        }
        size += block.remaining();
        writeFully(block);
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    private void rotate() throws IOException {
        channel.close();
        if (files <= 1) {
            Files.deleteIfExists(file);
        } else {
            Files.deleteIfExists(numbered(files - 1));
            for (int i = files - 2; i >= 1; i--) {
                if (Files.exists(numbered(i))) {
                    Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        }
        rotations++;
        open();
    }

    private Path numbered(int i) {
        return file.resolveSibling(file.getFileName() + "." + i);
    }

    /** @return times the file was rotated */
    long rotations() {
        return rotations;
    }

    void flush() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
