package io.calloutd.metrics;

import io.calloutd.engine.Layer;

/**
 * Classify-time histograms per layer, shared by all packet threads. Classifiers time one classification in
 * {@link #sampleEvery()} (a power of two): two clock reads per layer and packet would cost more than the
 * histogram is worth, and a sample gives the same distribution.
 */
public final class LayerTimings {
    private final LatencyHistogram[] byLayer = new LatencyHistogram[Layer.values().length];
    private final int sampleEvery;

    /** @param sampleEvery time one classification in this many (rounded up to a power of two; 1 = all) */
    public LayerTimings(int sampleEvery) {
        if (sampleEvery < 1 || sampleEvery > 1 << 20) {
            throw new IllegalArgumentException("sampleEvery must be 1..1048576, got " + sampleEvery);
        }
        int p = 1;
        while (p < sampleEvery) {
            p <<= 1;
        }
        this.sampleEvery = p;
        for (int i = 0; i < byLayer.length; i++) {
            byLayer[i] = new LatencyHistogram();
        }
    }

    /** @return the sampling period, a power of two */
    public int sampleEvery() {
        return sampleEvery;
    }

    /** Records one timed classification. */
    public void record(Layer layer, long nanos) {
        byLayer[layer.ordinal()].record(nanos);
    }

    /** @return the histogram of one layer */
    public LatencyHistogram of(Layer layer) {
        return byLayer[layer.ordinal()];
    }
}
