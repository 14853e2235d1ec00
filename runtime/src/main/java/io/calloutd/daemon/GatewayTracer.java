package io.calloutd.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calloutd.classify.ClassificationObserver;
import io.calloutd.classify.LayerClassifier;
import io.calloutd.mgmt.MgmtException;
import io.calloutd.mgmt.PacketTracer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Live traces over the daemon's classifiers: while none runs, each classifier has only its base observer (the
 * {@code --trace-layers} file, or none, so tracing costs nothing); while traces run, an observer that hands each
 * classification to the base and to every trace.
 */
final class GatewayTracer implements PacketTracer {
    /** At most this many traces at once (each has a thread and a queue). */
    private static final int MAX_TRACES = 8;
    /** Longest trace. */
    private static final int MAX_SECONDS = 600;

    private final List<LayerClassifier> classifiers;
    private final ClassificationObserver base;
    private final List<LiveTrace> active = new CopyOnWriteArrayList<>();

    GatewayTracer(List<LayerClassifier> classifiers, ClassificationObserver base) {
        this.classifiers = classifiers;
        this.base = base;
    }

    @Override
    public void start(Match match, int seconds, Consumer<ObjectNode> sink, BooleanSupplier cancelled) throws MgmtException {
        if (seconds < 1 || seconds > MAX_SECONDS) {
            throw new MgmtException("FWP_E_INVALID_PARAMETER", "seconds must be 1.." + MAX_SECONDS + ", got " + seconds);
        }
        LiveTrace trace = new LiveTrace(match, seconds, sink, cancelled);
        synchronized (this) {
            if (active.size() >= MAX_TRACES) {
                throw new MgmtException("FWP_E_TOO_MANY_CALLS", "already " + MAX_TRACES + " traces running");
            }
            active.add(trace);
            install();
        }
        Thread t = new Thread(() -> {
            try {
                trace.drain();
            } finally {
                synchronized (this) {
                    active.remove(trace);
                    install();
                }
            }
        }, "calloutd-live-trace");
        t.setDaemon(true);
        t.start();
    }

    private void install() {
        ClassificationObserver o;
        if (active.isEmpty()) {
            o = base;
        } else {
            List<LiveTrace> traces = List.copyOf(active);
            o = (layer, flags, in, r, meta) -> {
                if (base != null) base.classified(layer, flags, in, r, meta);
                for (LiveTrace t : traces) t.classified(layer, flags, in, r, meta);
            };
        }
        for (LayerClassifier c : classifiers) {
            c.observer(o);
        }
    }
}
