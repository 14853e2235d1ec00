package io.calloutd.bench;

import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyResult;
import io.calloutd.engine.EngineConfig;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.Filter;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Verdict;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Classification throughput and allocation (M-24) at INBOUND_TRANSPORT_V4 with 10 … 100 000 filters, all drawn by
 * {@link ClassifyPopulation} (the same generator and packet mix for every size). Requirement: the cost at 100 000
 * stays within 2x the cost at 10, and 0 B/op. Run {@link #main} (prints decisions/s, B/op and the ratio) or
 * {@code org.openjdk.jmh.Main ClassifyBenchmark -prof gc}.
 *
 * <p>Measured with {@link #main} (1 fork, 3x2 s warm-up, 5x2 s), on 2 shared cores (AMD EPYC VM, 1 MB L2 per
 * core, 32 MB L3 shared with other jobs):
 * <pre>
 * filters   before: decisions/s   ns/op    after: decisions/s   ns/op   B/op
 * 10                  5 030 000     199                6 533 723    153.1  0.000
 * 1 000               1 590 000     629                4 029 366    248.2  0.001
 * 10 000                740 000    1351                3 063 003    326.5  0.001
 * 100 000               390 000    2560                2 791 640    358.2  0.001
 * ratio 100 000 / 10     12.9                                2.34
 * </pre>
 * The 10-filter case runs from L1; at 100 000 filters the index (about 23 MB per layer policy) is read from L3,
 * so the ratio follows the L3 latency the neighbours leave: two later runs while other jobs were busy measured
 * 100 000 at 0.94-1.0 us (ratio 5.3-7.0) with 10 unchanged. Compare ratios from one run only. Back to back on a
 * heavily loaded machine (-wi 2 -i 3), the code before this index work gave 6.5-7.6 us at 100 000 and this code
 * 1.5-1.7 us (ratio 4.0 against 8.7-18.7). On main after the merge of the callout work (quiet machine, load 1):
 * 10 → 8.57 M/s (116.6 ns), 1 000 → 5.28 M/s (189 ns), 10 000 → 3.21 M/s (312 ns), 100 000 → 2.16 M/s (464 ns),
 * 0.001 B/op: ratio 3.98. The 2x requirement is not met.
 */
@State(Scope.Thread)
@Fork(jvmArgsAppend = "-XX:+UseTransparentHugePages") // as the daemon runs (./calloutd, the image)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ClassifyBenchmark {
    private static final int PACKETS = 4096; // power of two

    @Param({"10", "1000", "10000", "100000"})
    public int filters;

    private FilterEngine engine;
    private int[] tuples;
    private final IncomingValues in = new IncomingValues();
    private final ClassifyContext ctx = new ClassifyContext();
    private final ClassifyResult result = new ClassifyResult();
    private int next;

    @Setup
    public void setUp() throws Exception {
        engine = new FilterEngine(EngineConfig.defaults());
        List<Filter> specs = ClassifyPopulation.install(engine, filters, 42);
        tuples = ClassifyPopulation.tuples(ClassifyPopulation.packets(specs, PACKETS, 7));
    }

    @Benchmark
    public Verdict classify() {
        ClassifyPopulation.fill(in, tuples, next++ & (PACKETS - 1));
        return engine.classify(ClassifyPopulation.LAYER, in, ctx, result);
    }

    /**
     * Runs all sizes in one JVM fork and prints the table, then measures the 10 / 100 000 pair in three more rounds,
     * back to back, and prints each round's ratio and their median: on a machine shared with other jobs the cost of
     * the cache misses at 100 000 filters drifts over minutes, so one pair measured minutes apart can mislead.
     */
    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = run(TimeValue.seconds(2), 5, "10", "1000", "10000", "100000");
        System.out.printf("%n%-8s %14s %10s %10s%n", "filters", "decisions/s", "ns/op", "B/op");
        for (RunResult r : results) {
            int n = Integer.parseInt(r.getParams().getParam("filters"));
            double ops = r.getPrimaryResult().getScore();
            var alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            System.out.printf("%-8d %14.0f %10.1f %10s%n", n, ops, 1e9 / ops, alloc == null ? "-" : String.format("%.3f", alloc.getScore()));
        }
        double[] ratios = new double[4];
        ratios[0] = ratio(results);
        for (int round = 1; round < ratios.length; round++) ratios[round] = ratio(run(TimeValue.seconds(1), 4, "10", "100000"));
        System.out.printf("%ncost ratio 100000/10 per run: %.2f (table above), %.2f, %.2f, %.2f%n", ratios[0], ratios[1], ratios[2], ratios[3]);
        double[] sorted = ratios.clone();
        java.util.Arrays.sort(sorted);
        System.out.printf("median cost ratio 100000/10 = %.2f (requirement <= 2)%n", (sorted[1] + sorted[2]) / 2);
    }

    private static Collection<RunResult> run(TimeValue time, int iterations, String... sizes) throws Exception {
        return new Runner(new OptionsBuilder()
                .include(ClassifyBenchmark.class.getSimpleName())
                .param("filters", sizes)
                .forks(1)
                .warmupIterations(3).warmupTime(time)
                .measurementIterations(iterations).measurementTime(time)
                .addProfiler(GCProfiler.class)
                .build()).run();
    }

    /** Cost at 100 000 filters over the cost at 10 in one run. */
    private static double ratio(Collection<RunResult> results) {
        double at10 = 0, at100k = 0;
        for (RunResult r : results) {
            int n = Integer.parseInt(r.getParams().getParam("filters"));
            if (n == 10) at10 = r.getPrimaryResult().getScore();
            if (n == 100000) at100k = r.getPrimaryResult().getScore();
        }
        return at10 / at100k; // throughputs: the cost ratio is their inverse ratio
    }
}
