package io.calloutd.mgmt;

import io.calloutd.config.CalloutCatalog;
import io.calloutd.config.CompiledPolicy;
import io.calloutd.config.ConfigException;
import io.calloutd.config.ConfigLoader;
import io.calloutd.config.PolicyApplier;
import io.calloutd.config.PolicyFile;
import io.calloutd.engine.FilterEngine;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the daemon needs for management, started from a configuration file: the policy applied to the engine,
 * the API socket, SIGHUP reload, the net event log and the metrics endpoint. The engine must have been built with
 * {@link #events()} as its net event sink for events to flow (create the hub first with {@link #newEventHub}).
 */
public final class ManagementRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementRuntime.class);
    private final Path configFile;
    private final ConfigLoader loader;
    private final PolicyApplier applier;
    private final FilterEngine engine;
    private final NetEventHub events;
    private final ManagementService service;
    private final ApiServer api;
    private final MetricsExporter metrics;

    /** A net event hub sized from the config's {@code netEvents.capacity} (default 4096). */
    public static NetEventHub newEventHub(CompiledPolicy p) {
        return newEventHub(p.file());
    }

    /** A net event hub sized from the settings' {@code netEvents.capacity} (default 4096). */
    public static NetEventHub newEventHub(PolicyFile settings) {
        PolicyFile.NetEventSettings ne = settings.netEvents();
        NetEventHub hub = new NetEventHub(ne != null && ne.capacity() != null ? ne.capacity() : 4096, 50);
        if (ne != null && ne.collect() != null) hub.collect(ne.collect());
        return hub;
    }

    /**
     * Applies {@code initial} (already loaded from {@code configFile}) and starts the API and metrics.
     *
     * @param flows flow table view (FlowView.NONE until the daemon provides one)
     */
    public ManagementRuntime(Path configFile, CompiledPolicy initial, CalloutCatalog catalog, FilterEngine engine,
                             NetEventHub events, FlowView flows) throws Exception {
        this(configFile, initial, catalog, engine, null, events, flows);
    }

    /**
     * As above, registering the configuration's callouts through {@code registry} (null: on the engine directly).
     */
    public ManagementRuntime(Path configFile, CompiledPolicy initial, CalloutCatalog catalog, FilterEngine engine,
                             io.calloutd.callout.CalloutRegistry registry, NetEventHub events, FlowView flows)
            throws Exception {
        this.configFile = configFile;
        this.loader = new ConfigLoader(catalog);
        this.applier = new PolicyApplier(engine, registry);
        this.events = events;
        this.engine = engine;
        applier.apply(initial);
        PolicyFile pf = initial.file();
        engine.collectAllowEvents(PolicyFile.NetEventSettings.allowEvents(pf));
        if (pf.netEvents() != null && pf.netEvents().log() != null) {
            NetEventLog.toFile(Path.of(pf.netEvents().log()));
            events.addListener(new NetEventLog());
        }
        PolicyFile.ApiSettings a = pf.api() != null ? pf.api() : new PolicyFile.ApiSettings(null, null, null, null, null, null);
        AccessPolicy access = new AccessPolicy(AccessPolicy.groups(a.readGroup()), AccessPolicy.groups(a.adminGroup()));
        ManagementService.ConfigObjects cfg = new ManagementService.ConfigObjects() {
            @Override public Set<UUID> sublayerKeys() { return applier.sublayerKeys(); }
            @Override public Set<UUID> calloutKeys() { return applier.calloutKeys(); }
        };
        service = new ManagementService(engine, access, cfg, events, flows,
                Path.of(a.stateDir() != null ? a.stateDir() : "/var/lib/calloutd"));
        service.reloader(this::reload);
        api = new ApiServer(service, Path.of(a.socket() != null ? a.socket() : "/run/calloutd/api.sock"),
                ApiServer.modeString(a.socketMode() != null ? a.socketMode() : "0660"), a.readGroup() != null && !a.readGroup().matches("[0-9,]+") ? a.readGroup() : null,
                a.maxRequestBytes() != null ? a.maxRequestBytes() : 65536);
        int port = pf.metrics() != null && pf.metrics().port() != null ? pf.metrics().port() : 0;
        metrics = port > 0 ? new MetricsExporter(engine, events, port) : null;
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
            try {
                LOG.info("SIGHUP: {}", reload());
            } catch (ConfigException e) {
                LOG.error("SIGHUP reload rejected, running policy unchanged: {}", e.getMessage());
            }
        });
        LOG.info("management API on {}, policy {} ({} filters)", api.path(), configFile, initial.filters().size());
    }

    /** Re-reads and applies the configuration atomically; on error nothing changes. */
    public String reload() throws ConfigException {
        CompiledPolicy p = loader.load(configFile);
        applier.apply(p);
        engine.collectAllowEvents(PolicyFile.NetEventSettings.allowEvents(p.file()));
        return "applied " + configFile + ": " + p.sublayers().size() + " sublayers, " + p.callouts().size()
                + " callouts, " + p.filters().size() + " filters";
    }

    /** What each configured callout instance reports, by config id. */
    public java.util.Map<String, java.util.Map<String, Object>> calloutStatus() { return applier.calloutStatus(); }

    /** The management service. */
    public ManagementService service() { return service; }

    /** The metrics exporter, or null when {@code metrics.port} is not set. */
    public MetricsExporter metrics() { return metrics; }

    /** The net event hub. */
    public NetEventHub events() { return events; }

    @Override public void close() {
        api.close();
        service.close();
        if (metrics != null) metrics.close();
        applier.close(); // configured callouts stop before the packet threads and the callout runtime
        events.close();
    }
}
