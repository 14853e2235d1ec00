package io.calloutd.classify;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.calloutd.engine.ClassifyResult;
import io.calloutd.engine.Field;
import io.calloutd.engine.ValueType;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every classification as one JSON line (like {@code nft monitor trace}): the packet thread only offers a
 * small record to a bounded queue (a full queue drops the record and counts it, never blocks); a writer thread
 * formats and writes. A debugging aid: each record is an allocation, so leave it off in production.
 */
public final class LayerTraceWriter implements ClassificationObserver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LayerTraceWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One classification.
     *
     * @param layer     layer name
     * @param flags     FLAGS field value
     * @param verdict   PERMIT or BLOCK (the discard layer's own verdict for a discard twin)
     * @param filterId  deciding filter; 0 when the default verdict applied
     * @param direction the packet's direction
     * @param flowId    the flow's id; 0 when none
     * @param protocol  IP protocol (-1 if unknown at this layer)
     * @param localPort local port (ICMP: type; -1 if none)
     * @param remotePort remote port (ICMP: code; -1 if none)
     * @param packet    the incoming values, abbreviated
     */
    public record Line(String layer, int flags, String verdict, long filterId, String direction, long flowId,
                       int protocol, int localPort, int remotePort, String packet) { }

    private final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(65_536);
    private final BufferedWriter out;
    private final Thread writer;
    private final LongAdder dropped = new LongAdder();
    private volatile boolean closing;

    private LayerTraceWriter(BufferedWriter out) {
        this.out = out;
        this.writer = new Thread(this::drain, "calloutd-trace");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Opens (appending) {@code file} and starts the writer thread. */
    public static LayerTraceWriter open(Path file) throws IOException {
        return new LayerTraceWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE));
    }

    @Override
    public void classified(Layer layer, int flags, IncomingValues in, ClassifyResult r, PacketMetadata meta) {
        boolean twin = layer.isDiscard() && r.layer() != layer;
        var v = twin ? r.discardVerdict() : r.verdict();
        Line line = new Line(layer.name(), flags, String.valueOf(v), twin ? 0 : r.filterId(),
                String.valueOf(meta.packetDirection()), meta.flowId(), value(in, Field.IP_PROTOCOL),
                value(in, Field.IP_LOCAL_PORT), value(in, Field.IP_REMOTE_PORT), in.describe());
        if (!queue.offer(line)) {
            dropped.increment();
        }
    }

    private static int value(IncomingValues in, Field f) {
        return in.type(f) == ValueType.EMPTY ? -1 : (int) in.low(f);
    }

    /** Records lost because the queue was full. */
    public long dropped() {
        return dropped.sum();
    }

    private void drain() {
        try {
            while (!closing || !queue.isEmpty()) {
                Line line = queue.poll(100, TimeUnit.MILLISECONDS);
                if (line == null) {
                    out.flush();
                    continue;
                }
                out.write(JSON.writeValueAsString(line));
                out.newLine();
            }
            out.flush();
        } catch (IOException e) {
            LOG.warn("layer trace stopped: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued, then closes the file. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(5_000);
            out.close();
        } catch (IOException e) {
            LOG.warn("closing layer trace: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
