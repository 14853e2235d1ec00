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
 * <p>Each invocation fills one {@link IncomingValues} from a compact header tuple and classifies it, as the packet
 * path does with its one vector per thread (until November 2026 the benchmark read 4096 prebuilt vectors, 3.5 MB of
 * them, so every size also paid cache misses on the packet's own fields, which the daemon never does). The fork runs
 * with transparent huge pages, as the daemon does: at 100 000 filters the index spans tens of MB.
 *
 * <p>Measured with {@link #main} on 2 shared cores (AMD EPYC VM, 1 MB L2 per core; about 8 MB of L3 is usable
 * before loads go to DRAM at about 150 ns, and its share moves with other jobs, so single runs swing by 30 %):
 * <pre>
 * filters   2025 index: ns/op   Nov 2026, start*  Nov 2026, end   B/op
 * 10                  199              116.6            156.5        0.000
 * 1 000               629              189              216.9        0.001
 * 10 000             1351              312              247.5        0.001
 * 100 000            2560              464              284.4        0.001
 * ratio 100 000 / 10  12.9              3.98             1.82 (runs after it: 1.93, 1.76, 2.65; median 1.87)
 * </pre>
 * (*) with the 4096 cold vectors; the code of that column measured 2.3-3.0 with the hot vector. Three more runs of
 * {@link #main} on the final code within half an hour: 2.18, 2.91, 1.67, 2.72 (median 2.45); 2.16, 1.95, 2.04,
 * 2.50 (median 2.10); 1.88, 2.36, 1.77, 1.56 (median 1.82). The median of all sixteen pairs is 2.00: the 2x bound
 * holds while the shared L3 is quiet and is exceeded by up to half when it is not. At 100 000 filters a
 * classification makes three rounds of dependent loads that miss L2 (first-level slot; segment, for a slot cut by an
 * exact address or long prefix; candidate list), while the 10-filter case runs from L1.
 * What brought 100 000 filters from 464 ns towards the 10-filter cost: counting matches per thread by rank instead
 * of by atomic increments on each matched filter object ({@code FilterCounters}); testing only the condition groups
 * an index list has not proven, from a 32-byte block found from the rank ({@code ConditionTable}); candidate lists
 * that never straddle a cache line and end with a sentinel, so that the merge runs without data-dependent branches;
 * branch-free skips after a decision and across the boundaries of a cut slot. Measured against each change in the
 * same process (alternating 100 000-packet slices, median of 61), these took the ratio from 2.3-3.0 to 1.9-2.0.
 * Tried and dropped, as they made 100 000 filters slower: candidate lists inline in the first-level slots or in
 * per-segment records (four times the memory outweighed the saved dependent load), and loading the condition
 * blocks of every list head ahead of the merge.
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
