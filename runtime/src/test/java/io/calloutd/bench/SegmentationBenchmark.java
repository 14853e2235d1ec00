package io.calloutd.bench;

import io.calloutd.gso.PartialChecksum;
import io.calloutd.gso.SegmentSink;
import io.calloutd.gso.TcpSegmenter;
import io.calloutd.gso.VnetHeader;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Software TSO of one TCP super-frame (IPv4, 32-byte TCP header, MSS 1448) into pooled direct
 * buffers that the sink releases at once, and NEEDS_CSUM completion over the same frame. MB/s =
 * ops/s × payload bytes. Run {@link #main} (argument {@code gc} adds the GC profiler for B/op).
 *
 * <p>B/op here is the allocator's, not the segmenter's: Netty 4.2's pooled allocator allocates ~116 B
 * per buffer on a plain thread such as JMH's (no thread cache, no recycling), ~12 B on a
 * {@code FastThreadLocalThread} like the pipeline's event loop; the segmenter itself allocates nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SegmentationBenchmark {

    /** TCP payload bytes of the super-frame. */
    @Param({"20000", "64000"})
    public int payload;

    private ByteBuf frame;
    private final ParsedPacket parsed = new ParsedPacket();
    private final TcpSegmenter segmenter = new TcpSegmenter(PooledByteBufAllocator.DEFAULT, VnetHeader.SIZE);
    private final ReleasingSink sink = new ReleasingSink();

    /** Releases each segment, counting bytes so the work cannot be dead-code eliminated. */
    static final class ReleasingSink implements SegmentSink {
        long bytes;

        @Override
        public void accept(ByteBuf segment, int index, int count) {
            bytes += segment.readableBytes();
            segment.release();
        }
    }

    /** Builds an IPv4/TCP super-frame with random payload in a direct buffer. */
    @Setup(Level.Trial)
    public void setUp() {
        int total = 20 + 32 + payload;
        frame = PooledByteBufAllocator.DEFAULT.directBuffer(total);
        frame.writeByte(0x45).writeByte(0).writeShort(total).writeShort(1).writeShort(0x4000)
                .writeByte(64).writeByte(6).writeShort(0).writeInt(0xC6120001).writeInt(0xC6120102);
        frame.writeShort(40000).writeShort(5201).writeInt(12345).writeInt(678).writeByte(0x80).writeByte(0x18)
                .writeShort(512).writeShort(0).writeShort(0);
        frame.writeInt(0x0101080A).writeLong(0x1122334455667788L);
        byte[] p = new byte[payload];
        new Random(1).nextBytes(p);
        frame.writeBytes(p);
        frame.setShort(10, io.calloutd.checksum.Ipv4Checksums.compute(frame, 0));
        if (new PacketParser().parse(frame, parsed) != null) {
            throw new IllegalStateException("benchmark frame does not parse");
        }
    }

    /** Frees the frame. */
    @TearDown(Level.Trial)
    public void tearDown() {
        frame.release();
    }

    /** Segments the super-frame; returns bytes emitted so far. */
    @Benchmark
    public long segmentTcpV4() {
        segmenter.segment(parsed, 1448, sink);
        return sink.bytes;
    }

    /** Completes the partial TCP checksum over the whole super-frame in place. */
    @Benchmark
    public Object completeChecksum() {
        return PartialChecksum.complete(frame, 20, 16);
    }

    /** Runs the benchmark; pass {@code gc} to add the GC profiler. */
    public static void main(String[] args) throws Exception {
        ChainedOptionsBuilder o = new OptionsBuilder().include(SegmentationBenchmark.class.getSimpleName());
        for (String a : args) {
            if (a.equals("gc")) {
                o.addProfiler("gc");
            }
        }
        new Runner(o.build()).run();
    }
}
