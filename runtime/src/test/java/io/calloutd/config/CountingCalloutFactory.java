package io.calloutd.config;

import io.calloutd.callout.CalloutFactory;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutParams;
import io.calloutd.callout.CalloutServices;
import io.calloutd.callout.FlowDeleteFunction;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Filter;
import io.calloutd.engine.IncomingValues;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Test factory (type {@code counting}, found by ServiceLoader from test resources): counts classifies, records closes. */
public final class CountingCalloutFactory implements CalloutFactory {
    /** Every instance created, in order. */
    static final List<Instance> CREATED = new CopyOnWriteArrayList<>();

    @Override public String type() { return "counting"; }

    @Override public String description() { return "counts classifies (test)"; }

    @Override public CalloutInstance create(CalloutParams params, CalloutServices services) {
        params.rejectUnknown(List.of("label", "port"));
        Instance i = new Instance(params.string("label", "x"), params.has("port") ? params.port("port") : 0);
        CREATED.add(i);
        return i;
    }

    static final class Instance implements CalloutInstance {
        final String label;
        final int port;
        final AtomicLong classified = new AtomicLong();
        volatile boolean closed;

        Instance(String label, int port) {
            this.label = label;
            this.port = port;
        }

        @Override public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
            classified.incrementAndGet();
        }

        @Override public FlowDeleteFunction flowDelete() { return (layer, callout, context) -> { }; }

        @Override public Map<String, Object> status() { return Map.of("label", label, "classified", classified.get()); }

        @Override public void close() { closed = true; }
    }
}
