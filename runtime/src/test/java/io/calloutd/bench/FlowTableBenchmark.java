package io.calloutd.bench;

import io.calloutd.flow.FlowConfig;
import io.calloutd.flow.FlowDeleteListener;
import io.calloutd.flow.FlowEvent;
import io.calloutd.flow.FlowTable;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.pipeline.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
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
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Flow table lookups of existing flows: one op = parse one packet + {@link FlowTable#track} it, cycling through
 * packets of {@code flows} established TCP flows (IPv4, both directions, pre-built direct buffers). {@code parseOnly}
 * is the parser's share, to subtract. Run with the GC profiler to see B/op (expected 0).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class FlowTableBenchmark {
    @Param({"1000", "100000"})
    public int flows;

    private final PacketParser parser = new PacketParser(false);
    private final ParsedPacket parsed = new ParsedPacket();
    private final FlowEvent event = new FlowEvent();
    private ByteBuf[] packets;
    private FlowTable table;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true, true);
        table = new FlowTable(FlowConfig.DEFAULTS.withPickUpMidStream(true), FlowDeleteListener.NONE);
        packets = new ByteBuf[2 * flows];
        for (int i = 0; i < flows; i++) {
            int client = 0xC6120000 | i; // 198.18.x.y
            int server = 0xC6130001;     // 198.19.0.1
            int port = 1024 + (i % 50000);
            packets[2 * i] = alloc.directBuffer(40).writeBytes(tcpAck(client, port, server, 443));
            packets[2 * i + 1] = alloc.directBuffer(40).writeBytes(tcpAck(server, 443, client, port));
            parser.parse(packets[2 * i], parsed);
            table.track(parsed, Direction.OUTBOUND, 0, event); // picked up mid-stream: established
        }
        // Shuffle so consecutive lookups hit unrelated index slots, as mixed traffic would.
        java.util.Random r = new java.util.Random(1);
        for (int i = packets.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            ByteBuf t = packets[i];
            packets[i] = packets[j];
            packets[j] = t;
        }
        if (table.size() != flows) {
            throw new IllegalStateException("expected " + flows + " flows, got " + table.size());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        table.close();
        for (ByteBuf b : packets) {
            b.release();
        }
    }

    @Benchmark
    public Object track() {
        ByteBuf b = packets[next];
        next = next + 1 == packets.length ? 0 : next + 1;
        parser.parse(b, parsed);
        return table.track(parsed, (next & 1) == 0 ? Direction.OUTBOUND : Direction.INBOUND, 1_000_000L, event);
    }

    @Benchmark
    public Object parseOnly() {
        ByteBuf b = packets[next];
        next = next + 1 == packets.length ? 0 : next + 1;
        return parser.parse(b, parsed);
    }

    /** A 40-byte IPv4 TCP ACK (checksums left zero: the benchmark parser does not verify them). */
    private static byte[] tcpAck(int src, int sport, int dst, int dport) {
        byte[] p = new byte[40];
        p[0] = 0x45;
        p[3] = 40;
        p[8] = 64;
        p[9] = 6;
        putInt(p, 12, src);
        putInt(p, 16, dst);
        p[20] = (byte) (sport >>> 8);
        p[21] = (byte) sport;
        p[22] = (byte) (dport >>> 8);
        p[23] = (byte) dport;
        p[32] = 0x50; // data offset 5
        p[33] = 0x10; // ACK
        p[34] = 0x20;
        return p;
    }

    private static void putInt(byte[] p, int off, int v) {
        p[off] = (byte) (v >>> 24);
        p[off + 1] = (byte) (v >>> 16);
        p[off + 2] = (byte) (v >>> 8);
        p[off + 3] = (byte) v;
    }

    /** Runs the benchmark with the GC profiler. */
    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(FlowTableBenchmark.class.getSimpleName())
                .addProfiler("gc").build()).run();
    }
}
