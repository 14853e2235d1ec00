package io.calloutd.bench;

import io.calloutd.checksum.InternetChecksum;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Collection;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Throughput of {@link InternetChecksum#checksum} over direct and heap buffers. The region starts at
 * an odd offset (1) on purpose: real packets sit wherever the reader put them. Run {@link #main}
 * (add argument {@code gc} for the GC profiler); it prints MB/s per size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChecksumBenchmark {

    /** Region length in bytes. */
    @Param({"64", "1500", "9000", "65535"})
    public int size;

    /** Direct (off-heap, as read from TUN) or heap buffer. */
    @Param({"true", "false"})
    public boolean direct;

    private ByteBuf buf;

    /** Allocates and fills the buffer. */
    @Setup(Level.Trial)
    public void setUp() {
        buf = direct ? PooledByteBufAllocator.DEFAULT.directBuffer(size + 1)
                : PooledByteBufAllocator.DEFAULT.heapBuffer(size + 1);
        byte[] data = new byte[size + 1];
        new Random(1).nextBytes(data);
        buf.writeBytes(data);
    }

    /** Releases the buffer. */
    @TearDown(Level.Trial)
    public void tearDown() {
        buf.release();
    }

    /** One checksum over {@code size} bytes. */
    @Benchmark
    public int checksum() {
        return InternetChecksum.checksum(buf, 1, size);
    }

    /** Runs briefly (1 fork, 2x1s warm-up, 3x1s measurement) and prints MB/s. */
    public static void main(String[] args) throws Exception {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(ChecksumBenchmark.class.getSimpleName())
                .forks(1)
                .warmupIterations(2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(3).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-Dio.netty.leakDetection.level=disabled");
        if (args.length > 0 && args[0].equals("gc")) {
            o.addProfiler(GCProfiler.class);
        }
        Collection<RunResult> results = new Runner(o.build()).run();
        System.out.println();
        System.out.printf("%-8s %-7s %14s %12s %10s%n", "size", "direct", "ops/s", "MB/s", "B/op");
        for (RunResult r : results) {
            int size = Integer.parseInt(r.getParams().getParam("size"));
            String direct = r.getParams().getParam("direct");
            double ops = r.getPrimaryResult().getScore();
            var alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            System.out.printf("%-8d %-7s %14.0f %12.1f %10s%n", size, direct, ops, ops * size / 1e6,
                    alloc == null ? "-" : String.format("%.3f", alloc.getScore()));
        }
    }
}
