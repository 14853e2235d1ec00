package io.calloutd.capture;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies packets into a size-rotating pcapng file (raw IP, nanosecond timestamps, a comment per packet saying why)
 * that Wireshark and tshark read. Packet threads call {@link #offer}: it copies the bytes into a bounded lock-free
 * ring and returns at once; a writer thread formats and writes. When the writer falls behind, packets are not
 * captured and counted ({@link #dropped()}); the packet path never waits.
 */
public final class PacketCaptureWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PacketCaptureWriter.class);

    /**
     * @param file     the capture file (rotated copies are {@code file.1}, {@code file.2} ...)
     * @param maxBytes size at which the file rotates (at least 64 KiB)
     * @param files    files kept, the current one included (1 = the current file is restarted)
     * @param queue    packets that may wait for the writer
     * @param snapLen  bytes kept of each packet
     */
    public record Settings(Path file, long maxBytes, int files, int queue, int snapLen) {
        /** Checks the values; messages name the setting. */
        public Settings {
            if (file == null) throw new IllegalArgumentException("file: missing");
            if (maxBytes < 65_536) throw new IllegalArgumentException("maxBytes: must be at least 65536, got " + maxBytes);
            if (files < 1 || files > 1000) throw new IllegalArgumentException("files: must be 1..1000, got " + files);
            if (queue < 2 || queue > 1 << 16) throw new IllegalArgumentException("queue: must be 2..65536, got " + queue);
            if (snapLen < 64 || snapLen > 262_144) throw new IllegalArgumentException("snapLen: must be 64..262144, got " + snapLen);
        }

        /** 16 MiB files, 4 kept, 1024 queued, whole packets. */
        public static Settings of(Path file) {
            return new Settings(file, 16L << 20, 4, 1024, 65_535);
        }

        /** Same with another size and count. */
        public Settings withRotation(long newMaxBytes, int newFiles) {
            return new Settings(file, newMaxBytes, newFiles, queue, snapLen);
        }
    }

    private final Settings settings;
    private final CaptureRing ring;
    private final RotatingFile out;
    private final ByteBuffer block;
    private final Thread writer;
    private final LongAdder offered = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private volatile long written;
    private volatile long writeErrors;
    private volatile boolean closing;
    private volatile LongFunction<String> filterNames;
    private final long startMonoNanos = System.nanoTime();
    private final long startWallNanos;

    private PacketCaptureWriter(Settings s) throws IOException {
        this.settings = s;
        this.ring = new CaptureRing(s.queue(), s.snapLen());
        this.out = new RotatingFile(s.file(), s.maxBytes(), s.files(), Pcapng.header(s.snapLen()));
        this.block = ByteBuffer.allocate(Pcapng.packetBlockSize(s.snapLen(), 0xFFF0)).order(ByteOrder.LITTLE_ENDIAN);
        java.time.Instant now = java.time.Instant.now();
        this.startWallNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        this.writer = new Thread(this::drain, "calloutd-capture");
        writer.setDaemon(true);
    }

    /**
     * Creates the file (and its directory) and starts the writer thread.
     *
     * @throws IOException if the file cannot be created
     */
    public static PacketCaptureWriter start(Settings s) throws IOException {
        PacketCaptureWriter w = new PacketCaptureWriter(s);
        w.writer.start();
        LOG.info("capturing packets to {} (rotating at {} bytes, {} files)", s.file(), s.maxBytes(), s.files());
        return w;
    }

    /** Names filters in the comments ({@code name=...}); e.g. the engine's filter lookup. Any thread. */
    public void filterNames(LongFunction<String> names) {
        this.filterNames = names;
    }

    /**
     * Queues a copy of {@code length} bytes of {@code buf} from {@code index} (an IP packet). Never blocks, takes
     * no lock; safe from any number of threads.
     *
     * @param note      why (formatted on the writer thread)
     * @param layer     layer to name in the comment, or null
     * @param filterId  filter to name, or 0
     * @param direction direction to name, or null
     * @return false if the packet was not captured because the writer is behind (counted)
     */
    public boolean offer(ByteBuf buf, int index, int length, CaptureNote note, Enum<?> layer, long filterId,
                         Enum<?> direction) {
        offered.increment();
        if (closing || !ring.offer(buf, index, length, wallClockNanos(), note, layer, filterId, direction)) {
            dropped.increment();
            return false;
        }
        return true;
    }

    /** Wall-clock nanoseconds without allocation: the start time advanced by the monotonic clock. */
    private long wallClockNanos() {
        return startWallNanos + (System.nanoTime() - startMonoNanos);
    }

    private void drain() {
        try {
            while (true) {
                CaptureRing.Slot s = ring.poll();
                if (s == null) {
                    if (closing) {
                        return;
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    continue;
                }
                write(s);
                ring.release();
            }
        } finally {
            try {
                out.close();
            } catch (IOException e) {
                LOG.warn("closing capture {}: {}", settings.file(), e.getMessage());
            }
        }
    }

    private void write(CaptureRing.Slot s) {
        String text = s.note == null ? "" : s.note.format(s.layer, s.filterId, s.direction);
        LongFunction<String> names = filterNames;
        if (s.filterId != 0 && names != null) {
            String name = names.apply(s.filterId);
            if (name != null) text = text + " name=" + name;
        }
        byte[] comment = text.isEmpty() ? null : Pcapng.comment(text);
        block.clear();
        Pcapng.packetBlock(block, s.timeNanos, s.data, s.captured, s.originalLength, comment);
        block.flip();
        try {
            out.write(block);
            written++;
        } catch (IOException e) {
            if (writeErrors++ == 0) {
                LOG.warn("capture {}: {}", settings.file(), e.getMessage());
            }
        }
    }

    /** @return packets offered */
    public long offered() { return offered.sum(); }

    /** @return packets not captured because the ring was full (or the writer closing) */
    public long dropped() { return dropped.sum(); }

    /** @return packets written */
    public long written() { return written; }

    /** @return the settings */
    public Settings settings() { return settings; }

    /** Counters for the stats file and the API. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", settings.file().toString());
        m.put("offered", offered());
        m.put("written", written);
        m.put("dropped", dropped());
        m.put("writeErrors", writeErrors);
        m.put("rotations", out.rotations());
        return m;
    }

    /**
     * Waits until every packet offered before the call is written (tests and orderly shutdown).
     *
     * @return true if done within {@code timeoutMillis}
     */
    public boolean awaitWritten(long timeoutMillis) {
        long target = offered() - dropped();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (written + writeErrors < target) {
            if (System.nanoTime() > deadline) return false;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    /** Writes what is queued, then closes the file. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
