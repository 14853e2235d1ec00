package io.calloutd.engine;


/**
 * Turns an interval of W-bit unsigned values (W = 8, 16 or 32) into aligned prefix blocks and expands each block
 * to the 8-bit stride that holds it: a block of length L is filed under the {@code ceil(L/8)*8}-bit prefixes it
 * covers (controlled prefix expansion, at most 128 keys per block). A lookup then needs one probe per stride.
 */
final class PrefixBlocks {
    private PrefixBlocks() { }

    /** Stride (8, 16, 24 or 32) a block of prefix length {@code len} is expanded to. */
    static int strideOf(int len) {
        return Math.max(8, (len + 7) & ~7);
    }

    /** Number of stride keys the interval [lo, hi] expands to; 0 if empty. */
    static long expansion(int width, long lo, long hi) {
        long[] n = {0};
        blocks(width, lo, hi, (value, len) -> n[0] += 1L << (strideOf(len) - len));
        return n[0];
    }

    /** Calls {@code sink} with (stride, key) for every stride key of the interval [lo, hi]. */
    static void expand(int width, long lo, long hi, StrideSink sink) {
        blocks(width, lo, hi, (value, len) -> {
            int t = strideOf(len);
            long base = value >>> (width - t);
            for (long j = 0, n = 1L << (t - len); j < n; j++) sink.accept(t, (int) (base + j));
        });
    }

    /** Decomposes [lo, hi] (clipped to W bits) into maximal aligned blocks (value, prefix length). */
    static void blocks(int width, long lo, long hi, BlockSink sink) {
        long max = (1L << width) - 1;
        if (hi > max) hi = max;
        if (lo < 0) lo = 0;
        while (lo <= hi) {
            int k = lo == 0 ? width : Long.numberOfTrailingZeros(lo);
            while (k > 0 && lo + (1L << k) - 1 > hi) k--;
            sink.accept(lo, width - k);
            lo += 1L << k;
        }
    }

    /** Receives one aligned block. */
    @FunctionalInterface
    interface BlockSink {
        void accept(long value, int len);
    }

    /** Receives one expanded key. */
    @FunctionalInterface
    interface StrideSink {
        void accept(int stride, int key);
    }
}
