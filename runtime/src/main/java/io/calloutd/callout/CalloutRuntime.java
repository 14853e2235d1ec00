package io.calloutd.callout;

import io.calloutd.engine.FilterEngine;
import java.util.Objects;

/**
 * The callout runtime the pipeline plugs in: registry (installed on the engine), injector over the pipeline's
 * {@link InjectionTarget}, deferred-work pool and plug-in loader. Close it at shutdown.
 */
public final class CalloutRuntime implements AutoCloseable {
    private final CalloutRegistry registry;
    private final DeferredWork deferred;
    private final Injector injector;
    private final PluginLoader plugins;
    private final FilterEngine engine;

    /**
     * Runtime configuration.
     *
     * @param budget          classify budget
     * @param deferredThreads deferred-work threads
     * @param deferredQueue   deferred-work queue capacity
     */
    public record Config(ClassifyBudget budget, int deferredThreads, int deferredQueue) {
        /** 50 µs budget, 1 worker, 4096 queued tasks. */
        public static Config defaults() { return new Config(ClassifyBudget.defaults(), 1, 4096); }
    }

    /**
     * @param engine the filter engine (the registry becomes its filter-change listener)
     * @param target the data path's injection side
     * @param config settings
     */
    public CalloutRuntime(FilterEngine engine, InjectionTarget target, Config config) {
        Objects.requireNonNull(config);
        this.engine = Objects.requireNonNull(engine);
        this.registry = new CalloutRegistry(engine, config.budget());
        this.deferred = new DeferredWork(config.deferredThreads(), config.deferredQueue());
        this.injector = new Injector(target, deferred);
        this.plugins = new PluginLoader(registry, services());
    }

    /** The registry (also the flow table's {@link io.calloutd.flow.FlowDeleteListener}). */
    public CalloutRegistry registry() { return registry; }
    /** The injector. */
    public Injector injector() { return injector; }
    /** The deferred-work pool. */
    public DeferredWork deferredWork() { return deferred; }
    /** The plug-in loader. */
    public PluginLoader plugins() { return plugins; }
    /** Services handed to callouts. */
    public CalloutServices services() { return new CalloutServices(injector, deferred, engine); }

    /** True if the calling thread is inside a callout's classify (lets the pipeline refuse re-entrant work). */
    public static boolean onClassifyStack() { return ClassifyScope.onClassifyStack(); }

    @Override
    public void close() {
        plugins.close();
        deferred.close();
    }
}
