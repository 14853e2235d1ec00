package io.calloutd.mgmt;

import com.sun.net.httpserver.HttpServer;
import io.calloutd.engine.EngineCounters;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.Layer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prometheus metrics (M-30) on {@code http://127.0.0.1:PORT/metrics}: per-layer engine counters and per-filter
 * match/block counters. Filter meters are added and removed at scrape time to follow the policy.
 */
public final class MetricsExporter implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final FilterEngine engine;
    private final Map<Long, List<Meter>> filterMeters = new HashMap<>();
    private final HttpServer http;
    private volatile io.calloutd.metrics.LayerTimings layerTimings;
    private volatile io.calloutd.callout.CalloutRegistry callouts;
    private volatile io.calloutd.capture.PacketCaptureWriter dropCapture;

    /** Starts serving on localhost {@code port} (0 = any free port, see {@link #port()}). */
    public MetricsExporter(FilterEngine engine, NetEventHub events, int port) throws IOException {
        this.engine = engine;
        for (Layer l : Layer.values()) {
            for (EngineCounters.Kind k : EngineCounters.Kind.values()) {
                FunctionCounter.builder("calloutd_layer_" + k.name().toLowerCase(), engine, e -> e.counters().get(l, k))
                        .tag("layer", l.name()).register(registry);
            }
        }
        if (events != null) {
            FunctionCounter.builder("calloutd_net_events", events, NetEventHub::total).register(registry);
            FunctionCounter.builder("calloutd_net_events_lost", events, NetEventHub::lost).register(registry);
        }
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        http.createContext("/metrics", ex -> {
            byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        http.start();
    }

    /** Adds the per-layer classify-time histograms ({@code calloutd_layer_classify_seconds}). */
    public void layerTimings(io.calloutd.metrics.LayerTimings t) { this.layerTimings = t; }

    /** Adds per-callout classify-time histograms ({@code calloutd_callout_classify_seconds}) of a registry. */
    public void callouts(io.calloutd.callout.CalloutRegistry registry) { this.callouts = registry; }

    /** Adds the drop capture counters ({@code calloutd_drop_capture_*}). */
    public void dropCapture(io.calloutd.capture.PacketCaptureWriter w) { this.dropCapture = w; }

    /** The bound port. */
    public int port() { return http.getAddress().getPort(); }

    /** The exposition text (also what /metrics serves). */
    public synchronized String scrape() {
        Set<Long> live = new HashSet<>();
        for (Layer l : Layer.values()) {
            for (Filter f : engine.filters(l)) {
                live.add(f.id());
                filterMeters.computeIfAbsent(f.id(), id -> List.of(
                        FunctionCounter.builder("calloutd_filter_matches", engine, e -> e.filterMatches(id))
                                .tag("filter_id", Long.toString(id)).tag("name", f.name()).tag("layer", l.name()).register(registry),
                        FunctionCounter.builder("calloutd_filter_blocks", engine, e -> e.filterBlocks(id))
                                .tag("filter_id", Long.toString(id)).tag("name", f.name()).tag("layer", l.name()).register(registry)));
            }
        }
        filterMeters.entrySet().removeIf(e -> {
            if (live.contains(e.getKey())) return false;
            e.getValue().forEach(registry::remove);
            return true;
        });
        StringBuilder out = new StringBuilder(registry.scrape());
        io.calloutd.metrics.LayerTimings t = layerTimings;
        if (t != null) {
            Map<String, io.calloutd.metrics.LatencyHistogram.Snapshot> series = new java.util.LinkedHashMap<>();
            for (Layer l : Layer.values()) {
                series.put("layer=\"" + l.name() + "\"", t.of(l).snapshot());
            }
            io.calloutd.metrics.HistogramText.append(out, "calloutd_layer_classify_seconds",
                    "Time of one layer classification (filters and callouts), sampled 1 in " + t.sampleEvery() + ".", series);
        }
        io.calloutd.callout.CalloutRegistry reg = callouts;
        if (reg != null) {
            Map<String, io.calloutd.metrics.LatencyHistogram.Snapshot> series = new java.util.LinkedHashMap<>();
            for (io.calloutd.callout.RegisteredCallout c : reg.registered()) {
                String name = c.registration().name() == null ? "" : c.registration().name();
                series.put("callout_id=\"" + c.id() + "\",name=\"" + io.calloutd.metrics.HistogramText.label(name) + "\"",
                        c.classifyTimes());
            }
            io.calloutd.metrics.HistogramText.append(out, "calloutd_callout_classify_seconds",
                    "Time of one callout classify call.", series);
        }
        io.calloutd.capture.PacketCaptureWriter w = dropCapture;
        if (w != null) {
            out.append("# TYPE calloutd_drop_capture_written_total counter\ncalloutd_drop_capture_written_total ")
                    .append(w.written()).append('\n');
            out.append("# TYPE calloutd_drop_capture_lost_total counter\ncalloutd_drop_capture_lost_total ")
                    .append(w.dropped()).append('\n');
        }
        return out.toString();
    }

    @Override public void close() {
        http.stop(0);
        registry.close();
    }
}
