package io.calloutd.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A fixed-bucket latency histogram for packet threads: recording is a few comparisons and two LongAdder increments
 * (no lock, no allocation); reading is for scrapes. Bucket upper bounds run from 250 ns doubling to about 1 ms.
 */
public final class LatencyHistogram {
    /** Upper bounds of the buckets in nanoseconds (an implicit +Inf bucket follows). */
    public static final long[] BOUNDS_NANOS = {250, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000,
            256_000, 512_000, 1_024_000};

    private final LongAdder[] buckets = new LongAdder[BOUNDS_NANOS.length + 1];
    private final LongAdder sumNanos = new LongAdder();

    /** An empty histogram. */
    public LatencyHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Records one duration. */
    public void record(long nanos) {
        int i = 0;
        while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
            i++;
        }
        buckets[i].increment();
        sumNanos.add(nanos);
    }

    /** A consistent-enough copy for one scrape. */
    public Snapshot snapshot() {
        long[] counts = new long[buckets.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = buckets[i].sum();
        }
        return new Snapshot(counts, sumNanos.sum());
    }

    /**
     * @param counts   per bucket (not cumulative), the last one for +Inf
     * @param sumNanos summed durations
     */
    public record Snapshot(long[] counts, long sumNanos) {
        /** @return recorded durations */
        public long count() {
            long n = 0;
            for (long c : counts) n += c;
            return n;
        }
    }
}
