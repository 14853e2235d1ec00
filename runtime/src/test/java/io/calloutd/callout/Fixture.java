package io.calloutd.callout;

import io.calloutd.engine.EngineConfig;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.FilterValidationException;
import io.calloutd.engine.Layer;
import io.calloutd.engine.NetEvent;
import io.calloutd.engine.NetEventSink;
import io.calloutd.engine.Sublayer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Engine + callout runtime + recording data path, closed after each test with an exact leak check. */
final class Fixture implements AutoCloseable {
    final List<NetEvent> events = new CopyOnWriteArrayList<>();
    final FilterEngine engine;
    final MiniPath path;
    final CalloutRuntime runtime;

    /** A generous budget: cold-start class loading must not count as an overrun in functional tests. */
    Fixture() { this(new ClassifyBudget(1_000_000_000L, false)); }

    Fixture(ClassifyBudget budget) {
        NetEventSink sink = events::add;
        engine = new FilterEngine(EngineConfig.defaults().withNetEvents(sink));
        path = new MiniPath(engine);
        runtime = new CalloutRuntime(engine, path, new CalloutRuntime.Config(budget, 2, 64));
    }

    CalloutRegistry registry() { return runtime.registry(); }

    RegisteredCallout register(io.calloutd.engine.Callout c) throws CalloutException {
        return registry().register(CalloutRegistration.builder(UUID.randomUUID()).classify(c).build());
    }

    Filter filter(Layer layer, FilterAction action, UUID callout) throws FilterValidationException {
        return engine.addFilter(FilterSpec.builder(layer).callout(action, callout).build());
    }

    Filter filter(Layer layer, Sublayer s, FilterAction action, UUID callout, int flags) throws FilterValidationException {
        return engine.addFilter(FilterSpec.builder(layer).sublayer(s).callout(action, callout).flags(flags).build());
    }

    /** Waits until the deferred pool and held work are idle. */
    void drain() throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (runtime.deferredWork().backlog() > 0) {
            if (System.nanoTime() > end) throw new AssertionError("deferred work did not drain");
            Thread.sleep(1);
        }
    }

    @Override public void close() throws InterruptedException {
        drain();
        runtime.close();
        path.alloc.assertAllReleased();
    }
}
