package io.calloutd.fragment;

import java.time.Duration;

/**
 * Limits of a {@link Reassembler}. Defaults follow Linux ({@code ipfrag_time}=30 s,
 * {@code ip6frag_time}=60 s, {@code ipfrag_high_thresh}=4 MiB, {@code ipfrag_low_thresh}=3 MiB).
 *
 * @param v4TimeoutNanos          lifetime of an incomplete IPv4 datagram, counted from its first fragment
 * @param v6TimeoutNanos          lifetime of an incomplete IPv6 datagram
 * @param highThresholdBytes      held buffer capacity above which the oldest datagrams are evicted
 * @param lowThresholdBytes       eviction stops once held memory is at or below this
 * @param maxFragmentsPerDatagram fragments one datagram may have; 64 by default: Linux's
 *                                {@code ipfrag_max_dist} is also 64 and a legitimate 64 KiB datagram over a
 *                                1280-byte path needs 52, so more is an attack or a broken sender
 * @param maxDatagrams            datagrams pending at once; the oldest is evicted to make room
 */
public record ReassemblyConfig(long v4TimeoutNanos, long v6TimeoutNanos, long highThresholdBytes,
                               long lowThresholdBytes, int maxFragmentsPerDatagram, int maxDatagrams) {

    /** Linux-like defaults; see the class comment. {@code maxDatagrams} defaults to 4096. */
    public static final ReassemblyConfig DEFAULTS = builder().build();

    /** Validates the limits. */
    public ReassemblyConfig {
        if (v4TimeoutNanos <= 0 || v6TimeoutNanos <= 0) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (lowThresholdBytes < 0 || highThresholdBytes < lowThresholdBytes) {
            throw new IllegalArgumentException("need 0 <= lowThreshold <= highThreshold");
        }
        if (maxFragmentsPerDatagram < 2 || maxFragmentsPerDatagram > 8192) {
            throw new IllegalArgumentException("maxFragmentsPerDatagram must be in [2, 8192]");
        }
        if (maxDatagrams < 1 || maxDatagrams > (1 << 20)) {
            throw new IllegalArgumentException("maxDatagrams must be in [1, 2^20]");
        }
    }

    /** A builder preset with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link ReassemblyConfig}. */
    public static final class Builder {
        private long v4TimeoutNanos = Duration.ofSeconds(30).toNanos();
        private long v6TimeoutNanos = Duration.ofSeconds(60).toNanos();
        private long highThresholdBytes = 4L << 20;
        private long lowThresholdBytes = 3L << 20;
        private int maxFragmentsPerDatagram = 64;
        private int maxDatagrams = 4096;

        private Builder() {
        }

        /** IPv4 reassembly timeout (default 30 s). */
        public Builder v4Timeout(Duration d) {
            v4TimeoutNanos = d.toNanos();
            return this;
        }

        /** IPv6 reassembly timeout (default 60 s). */
        public Builder v6Timeout(Duration d) {
            v6TimeoutNanos = d.toNanos();
            return this;
        }

        /** Memory high threshold in bytes (default 4 MiB). */
        public Builder highThresholdBytes(long v) {
            highThresholdBytes = v;
            return this;
        }

        /** Memory low threshold in bytes (default 3 MiB). */
        public Builder lowThresholdBytes(long v) {
            lowThresholdBytes = v;
            return this;
        }

        /** Per-datagram fragment cap (default 64). */
        public Builder maxFragmentsPerDatagram(int v) {
            maxFragmentsPerDatagram = v;
            return this;
        }

        /** Maximum concurrently pending datagrams (default 4096). */
        public Builder maxDatagrams(int v) {
            maxDatagrams = v;
            return this;
        }

        /** Builds and validates the configuration. */
        public ReassemblyConfig build() {
            return new ReassemblyConfig(v4TimeoutNanos, v6TimeoutNanos, highThresholdBytes, lowThresholdBytes,
                    maxFragmentsPerDatagram, maxDatagrams);
        }
    }
}
