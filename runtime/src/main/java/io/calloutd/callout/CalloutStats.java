package io.calloutd.callout;

import java.util.concurrent.atomic.AtomicLong;

/** Allocation-free counters of one callout, updated from packet threads. */
final class CalloutStats {
    final AtomicLong invocations = new AtomicLong();
    final AtomicLong totalNanos = new AtomicLong();
    final AtomicLong maxNanos = new AtomicLong();
    final AtomicLong overruns = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong offsetViolations = new AtomicLong();

    final io.calloutd.metrics.LatencyHistogram histogram = new io.calloutd.metrics.LatencyHistogram();

    void record(long nanos) {
        histogram.record(nanos);
        invocations.incrementAndGet();
        totalNanos.addAndGet(nanos);
        long m;
        while (nanos > (m = maxNanos.get()) && !maxNanos.compareAndSet(m, nanos)) {
            Thread.onSpinWait();
        }
    }

    CalloutTiming snapshot(RegisteredCallout c) {
        return new CalloutTiming(c.id(), c.key(), c.registration().name(), invocations.get(), totalNanos.get(),
                maxNanos.get(), overruns.get(), failures.get(), skipped.get(), offsetViolations.get());
    }
}
