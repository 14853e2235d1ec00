package io.calloutd.metrics;

import java.util.Map;

/** Writes histograms in the Prometheus text exposition format (seconds, cumulative buckets, _sum and _count). */
public final class HistogramText {
    private HistogramText() { }

    /**
     * Appends one metric family.
     *
     * @param out    destination
     * @param name   metric name without suffix, e.g. {@code calloutd_layer_classify_seconds}
     * @param help   the HELP text
     * @param series label text (e.g. {@code layer="X"}) to snapshot; empty series are skipped
     */
    public static void append(StringBuilder out, String name, String help, Map<String, LatencyHistogram.Snapshot> series) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" histogram\n");
        for (Map.Entry<String, LatencyHistogram.Snapshot> e : series.entrySet()) {
            LatencyHistogram.Snapshot s = e.getValue();
            if (s.count() == 0) {
                continue;
            }
            long cumulative = 0;
            long[] c = s.counts();
            for (int i = 0; i < c.length; i++) {
                cumulative += c[i];
                String le = i < LatencyHistogram.BOUNDS_NANOS.length ? seconds(LatencyHistogram.BOUNDS_NANOS[i]) : "+Inf";
                out.append(name).append("_bucket{").append(e.getKey()).append(",le=\"").append(le).append("\"} ")
                        .append(cumulative).append('\n');
            }
            out.append(name).append("_sum{").append(e.getKey()).append("} ").append(seconds(s.sumNanos())).append('\n');
            out.append(name).append("_count{").append(e.getKey()).append("} ").append(cumulative).append('\n');
        }
    }

    private static String seconds(long nanos) {
        return new java.math.BigDecimal(nanos).movePointLeft(9).stripTrailingZeros().toPlainString();
    }

    /** Escapes a label value. */
    public static String label(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
