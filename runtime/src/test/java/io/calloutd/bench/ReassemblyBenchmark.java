package io.calloutd.bench;

import io.calloutd.fragment.Reassembler;
import io.calloutd.fragment.ReassemblyConfig;
import io.calloutd.fragment.ReassemblyResult;
import io.calloutd.testing.fragments.FragmentPackets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
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
 * Reassembly throughput: one datagram (9000 B or 64 KiB UDP) split at a 1500-byte MTU, fed fragment by
 * fragment into a {@link Reassembler}; one op = one datagram. MB/s = ops/s x datagram size. Fragments are
 * pre-built pooled buffers, so allocation measured is the reassembler's own (output buffer + result).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ReassemblyBenchmark {
    @Param({"9000", "65535"})
    public int datagramSize;

    private ByteBuf[] fragments;
    private Reassembler reassembler;

    @Setup(Level.Trial)
    public void setUp() {
        List<byte[]> frags = FragmentPackets.v4Split(FragmentPackets.udpV4(datagramSize - 28, 1, false, 1), 1480);
        fragments = new ByteBuf[frags.size()];
        for (int i = 0; i < fragments.length; i++) {
            byte[] f = frags.get(i);
            fragments[i] = PooledByteBufAllocator.DEFAULT.directBuffer(f.length).writeBytes(f);
        }
        reassembler = new Reassembler(ReassemblyConfig.DEFAULTS, System::nanoTime, PooledByteBufAllocator.DEFAULT);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        reassembler.close();
        for (ByteBuf b : fragments) {
            b.release();
        }
    }

    @Benchmark
    public int reassemble() {
        ReassemblyResult r = null;
        for (ByteBuf f : fragments) {
            r = reassembler.accept(f);
        }
        ByteBuf out = r.datagram();
        int n = out.readableBytes();
        out.release();
        return n;
    }

    /** Runs the benchmark with the GC profiler. */
    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(ReassemblyBenchmark.class.getSimpleName())
                .addProfiler("gc").build()).run();
    }
}
