package io.calloutd.daemon;

import io.calloutd.fragment.ReassemblyConfig;
import io.calloutd.inject.InjectionPath;
import io.calloutd.classify.LayerTraceWriter;
import io.calloutd.engine.BoundedNetEventSink;
import io.calloutd.engine.EngineConfig;
import io.calloutd.engine.FilterEngine;
import io.calloutd.flow.FlowConfig;
import io.calloutd.nativebridge.TunOffload;
import io.calloutd.nativebridge.Capabilities;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code calloutd run}: the firewall daemon. Reduces itself to CAP_NET_ADMIN + CAP_NET_RAW, sets up, writes its pid
 * file, then runs until SIGTERM/SIGINT (restores routing and exits 0); SIGHUP is the reload signal.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the daemon. Gateway mode steers traffic forwarded between two interfaces through the TUN.")
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--gateway", required = true,
            description = "Gateway mode: filter traffic the kernel forwards between --inside and --outside.")
    boolean gateway;

    @Option(names = "--inside", required = true, paramLabel = "IF", description = "Interface facing the protected network.")
    String inside;

    @Option(names = "--outside", required = true, paramLabel = "IF", description = "Interface facing the outside.")
    String outside;

    @Option(names = "--queues", defaultValue = "1", description = "TUN queues and packet threads (default: ${DEFAULT-VALUE}).")
    int queues;

    @Option(names = "--tun-prefix", defaultValue = "ctd", description = "TUN device name prefix (default: ${DEFAULT-VALUE}).")
    String tunPrefix;

    @Option(names = "--table", defaultValue = "7000", description = "First of the two routing tables used (default: ${DEFAULT-VALUE}).")
    int table;

    @Option(names = "--rule-priority", defaultValue = "7000", description = "First of the three rule priorities used (default: ${DEFAULT-VALUE}).")
    int rulePriority;

    @Option(names = "--mark", defaultValue = "0x7c0", converter = IntegerLiteral.class,
            description = "Firewall mark of send-path injections (default: ${DEFAULT-VALUE}).")
    int mark;

    @Option(names = "--fail-mode", defaultValue = "closed", paramLabel = "closed|open", converter = FailMode.Converter.class,
            description = "If the daemon dies without cleaning up: closed = traffic stops, open = routing bypasses the TUN (default: ${DEFAULT-VALUE}).")
    FailMode failMode;

    @Option(names = "--fail-open", hidden = true, description = "Same as --fail-mode open.")
    boolean failOpen;

    @Option(names = "--pid-file", paramLabel = "FILE", description = "Write the daemon's pid to FILE once it is ready; removed at a clean stop.")
    Path pidFile;

    @Option(names = "--keep-capabilities",
            description = "Do not reduce the process to CAP_NET_ADMIN and CAP_NET_RAW (for debugging).")
    boolean keepCapabilities;

    @Option(names = "--outbound-injection",
            description = "How permitted outbound packets re-enter the kernel: SEND (marked raw socket) or RECEIVE (write to the "
                    + "outbound TUN, which carries GSO super-frames whole). Default: RECEIVE with offloads, SEND without.")
    InjectionPath outboundInjection;

    @Option(names = "--default-verdict", defaultValue = "PERMIT",
            description = "Verdict when no filter decides at a layer: PERMIT or BLOCK (default: ${DEFAULT-VALUE}).")
    io.calloutd.engine.Verdict defaultVerdict;

    @Option(names = "--trace-layers", paramLabel = "FILE",
            description = "Append one JSON line per classification (layer, flags, verdict, filter, packet) to FILE. Debugging aid: costs an allocation per classification.")
    Path traceFile;

    @Option(names = "--offload", paramLabel = "LIST", split = ",", defaultValue = "csum,tso4,tso6,tso_ecn,uso4,uso6",
            converter = OffloadName.class,
            description = "TUN offloads to enable where the kernel accepts them: csum, tso4, tso6, tso_ecn, uso4, uso6 "
                    + "(default: all). TSO/USO need csum.")
    Set<TunOffload> offloads;

    @Option(names = "--no-offload", description = "No vnet header and no offloads: every packet is read one MTU at a time.")
    boolean noOffload;

    @Option(names = "--plugin-dir", paramLabel = "DIR",
            description = "Load callout plug-in jars (CalloutProvider services) from DIR at start.")
    Path pluginDir;

    @Option(names = "--pend-timeout-ms", defaultValue = "10000",
            description = "How long a callout may leave a classification pended before it is released (default: ${DEFAULT-VALUE} ms).")
    long pendTimeoutMs;

    @Option(names = "--stats-file", paramLabel = "FILE", description = "Write counters as JSON to FILE every --stats-interval and at exit.")
    Path statsFile;

    @Option(names = "--stats-interval-ms", defaultValue = "1000", description = "Stats file period (default: ${DEFAULT-VALUE} ms).")
    long statsIntervalMs;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Policy file (YAML/JSON): validated completely, applied atomically, reloaded on SIGHUP; also starts the management API.")
    Path configFile;

    @Option(names = "--capture-drops", paramLabel = "FILE",
            description = "Copy every packet the policy blocks to FILE (pcapng, comment = layer and filter), rotating by size; "
                    + "overrides netEvents.captureDrops of the policy file.")
    Path captureDrops;

    @Option(names = "--capture-max-bytes", paramLabel = "N", description = "Rotate the drop capture at N bytes (default 16777216).")
    Long captureMaxBytes;

    @Option(names = "--capture-files", paramLabel = "N", description = "Drop capture files kept, the current one included (default 4).")
    Integer captureFiles;

    @Override
    public Integer call() throws Exception {
        if (!keepCapabilities) {
            // Does not return if anything must be dropped: the process re-executes itself with only these two, so
            // every JVM thread is restricted (capabilities are per thread). Setup needs nothing more as root.
            LOG.debug("restricting capabilities to CAP_NET_ADMIN and CAP_NET_RAW");
            Capabilities.restrictProcessTo(Capabilities.mask(Capabilities.CAP_NET_ADMIN, Capabilities.CAP_NET_RAW));
        }
        boolean failClosed = failMode == FailMode.CLOSED && !failOpen;
        GatewayConfig config = new GatewayConfig(inside, outside, tunPrefix, queues, table, rulePriority, mark, failClosed,
                noOffload ? EnumSet.noneOf(TunOffload.class) : offloads);
        // The settings are read first (the engine's net event hub depends on them); the whole policy, callouts
        // included, is validated before any device, thread or route exists: a bad file stops the daemon with
        // file:line:field.
        io.calloutd.config.PolicyFile settings = configFile == null ? null : io.calloutd.config.ConfigLoader.settings(configFile);
        io.calloutd.mgmt.NetEventHub hub = settings == null ? null : io.calloutd.mgmt.ManagementRuntime.newEventHub(settings);
        long started = System.currentTimeMillis();
        BoundedNetEventSink netEvents = new BoundedNetEventSink(1024);
        FilterEngine engine = new FilterEngine(EngineConfig.defaults().withDefaultVerdict(defaultVerdict)
                .withNetEvents(hub == null ? netEvents : new TeeNetEventSink(netEvents, hub)));
        GatewayDaemon daemon = GatewayDaemon.prepare(config, engine);
        io.calloutd.mgmt.ManagementRuntime management = null;
        LayerTraceWriter trace = null;
        io.calloutd.config.CompiledPolicy policy = null;
        io.calloutd.capture.PacketCaptureWriter dropCapture = null;
        try {
            // Built-in callouts (the callouts module) and any CalloutFactory on the class path, by type name.
            io.calloutd.config.CalloutCatalog catalog = io.calloutd.config.CalloutCatalog.discover(
                    RunCommand.class.getClassLoader(), daemon.callouts().services());
            if (configFile != null) {
                policy = new io.calloutd.config.ConfigLoader(catalog).load(configFile);
                // Applies the policy before the first packet is read; the API and metrics start with it.
                management = new io.calloutd.mgmt.ManagementRuntime(configFile, policy, catalog, engine,
                        daemon.callouts().registry(), hub, new GatewayFlowView(daemon));
                daemon.calloutStatus(management::calloutStatus);
            }
            trace = traceFile == null ? null : LayerTraceWriter.open(traceFile);
            dropCapture = startDropCapture(policy);
            if (dropCapture != null) {
                dropCapture.filterNames(id -> engine.filter(id).map(io.calloutd.engine.Filter::name).orElse(null));
            }
            daemon.dropCapture(dropCapture);
            daemon.start(flowConfig(policy), trace, outboundInjection, ReassemblyConfig.DEFAULTS);
        } catch (Exception e) {
            if (management != null) management.close();
            daemon.close();
            if (trace != null) trace.close();
            if (dropCapture != null) dropCapture.close();
            throw e;
        }
        final io.calloutd.mgmt.ManagementRuntime mgmt = management;
        final LayerTraceWriter traceWriter = trace;
        final io.calloutd.capture.PacketCaptureWriter capture = dropCapture;
        daemon.netEvents(netEvents);
        if (mgmt != null) {
            mgmt.service().tracer(new GatewayTracer(daemon.classifiers(), traceWriter));
        }
        if (mgmt != null && mgmt.metrics() != null) {
            var ms = policy.file().metrics();
            var timings = new io.calloutd.metrics.LayerTimings(
                    ms.classifySampleEvery() != null ? ms.classifySampleEvery() : 16);
            daemon.classifiers().forEach(c -> c.timings(timings));
            mgmt.metrics().layerTimings(timings);
            mgmt.metrics().callouts(daemon.callouts().registry());
            mgmt.metrics().dropCapture(capture);
        }
        for (io.calloutd.classify.LayerClassifier c : daemon.classifiers()) {
            c.pendTimeout(java.time.Duration.ofMillis(pendTimeoutMs));
        }
        if (pluginDir != null) {
            try {
                daemon.loadPlugins(pluginDir);
            } catch (IOException e) {
                daemon.close();
                throw e;
            }
        }
        if (pidFile != null) {
            try {
                PidFile.write(pidFile); // before the stats file says ready, so a supervisor seeing ready finds it
            } catch (IOException e) {
                daemon.close();
                throw e;
            }
        }
        ScheduledExecutorService stats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "calloutd-stats");
            t.setDaemon(true);
            return t;
        });
        AtomicBoolean running = new AtomicBoolean(true);
        if (statsFile != null) {
            stats.scheduleAtFixedRate(() -> writeStats(daemon, started, running.get()), 0, statsIntervalMs, TimeUnit.MILLISECONDS);
        }
        // TERM and INT are handled rather than left to the JVM, so a clean stop exits 0 after the teardown;
        // the shutdown hook covers every other way the JVM may exit.
        CountDownLatch stopRequested = new CountDownLatch(1);
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), sig -> stopRequested.countDown());
        }
        // Without a handler the JVM treats HUP as a stop; it is the reload signal (systemd ExecReload).
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> reload(mgmt, daemon, started, running.get()));
        AtomicBoolean closed = new AtomicBoolean();
        Runnable shutdown = () -> {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            running.set(false);
            LOG.info("stopping: restoring routing and removing the TUN devices");
            stats.shutdownNow();
            if (mgmt != null) mgmt.close();
            daemon.close();
            if (traceWriter != null) {
                traceWriter.close();
            }
            if (capture != null) {
                capture.close();
            }
            writeStats(daemon, started, false);
            if (pidFile != null) {
                PidFile.remove(pidFile);
            }
            LOG.info("stopped; packets in={} out={} malformed={}", daemon.counters().packetsIn(),
                    daemon.counters().packetsOut(), daemon.counters().dropsMalformed());
        };
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "calloutd-shutdown"));
        stopRequested.await();
        shutdown.run();
        return 0;
    }

    /** The drop capture from the options, else from the policy file's {@code netEvents.captureDrops}; null for none. */
    private io.calloutd.capture.PacketCaptureWriter startDropCapture(io.calloutd.config.CompiledPolicy policy)
            throws IOException {
        var ne = policy == null ? null : policy.file().netEvents();
        var fromFile = ne == null ? null : ne.captureDrops();
        Path file = captureDrops != null ? captureDrops : fromFile != null && fromFile.file() != null ? Path.of(fromFile.file()) : null;
        if (file == null) {
            return null;
        }
        long maxBytes = captureMaxBytes != null ? captureMaxBytes
                : fromFile != null && fromFile.maxBytes() != null ? fromFile.maxBytes() : 16L << 20;
        int files = captureFiles != null ? captureFiles : fromFile != null && fromFile.files() != null ? fromFile.files() : 4;
        io.calloutd.capture.PacketCaptureWriter.Settings s;
        try {
            s = io.calloutd.capture.PacketCaptureWriter.Settings.of(file).withRotation(maxBytes, files);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("drop capture: " + e.getMessage(), e);
        }
        return io.calloutd.capture.PacketCaptureWriter.start(s);
    }

    /** Flow table limits from the policy file's {@code limits} (applied at start; a reload does not resize tables). */
    static FlowConfig flowConfig(io.calloutd.config.CompiledPolicy policy) {
        FlowConfig c = FlowConfig.DEFAULTS;
        var limits = policy == null ? null : policy.file().limits();
        if (limits != null && limits.flowTable() != null) {
            c = c.withMaxFlows(limits.flowTable());
        }
        if (limits != null && limits.udpIdleSeconds() != null) {
            c = c.withUdpIdle(java.time.Duration.ofSeconds(limits.udpIdleSeconds()));
        }
        return c;
    }

    /**
     * SIGHUP: the routing and TUNs stay as they are; the policy file (if any) is re-read and applied atomically —
     * a rejected file leaves the running policy untouched — and the stats file is refreshed.
     */
    private void reload(io.calloutd.mgmt.ManagementRuntime management, GatewayDaemon daemon, long started, boolean ready) {
        if (management == null) {
            LOG.info("SIGHUP: no --config to reload; stats file refreshed");
        } else {
            try {
                LOG.info("SIGHUP: {}", management.reload());
            } catch (io.calloutd.config.ConfigException e) {
                LOG.error("SIGHUP reload rejected, running policy unchanged: {}", e.getMessage());
            }
        }
        writeStats(daemon, started, ready);
    }

    private void writeStats(GatewayDaemon daemon, long started, boolean ready) {
        if (statsFile == null) {
            return;
        }
        try {
            StatsFile.write(statsFile, StatsSnapshot.of(ready, System.currentTimeMillis() - started, daemon));
        } catch (Exception e) {
            LOG.warn("cannot write stats file {}: {}", statsFile, e.getMessage());
        }
    }

    /** Offload names as in {@link TunOffload#optionName()}. */
    static final class OffloadName implements picocli.CommandLine.ITypeConverter<TunOffload> {
        @Override
        public TunOffload convert(String value) {
            return TunOffload.parse(value);
        }
    }

    /** Accepts decimal or 0x-prefixed hexadecimal integers (marks are usually written in hex). */
    static final class IntegerLiteral implements picocli.CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return Integer.decode(value);
        }
    }
}
