package io.calloutd.daemon;

import io.calloutd.fragment.ReassemblyConfig;
import io.calloutd.inject.InjectionPath;
import io.calloutd.pipeline.VerdictHook;
import java.nio.file.Path;
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

/** {@code calloutd run}: the firewall daemon. Runs until SIGTERM/SIGINT, then restores routing and exits. */
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

    @Option(names = "--fail-open", description = "If the daemon dies, let routing bypass the TUN (default: fail closed).")
    boolean failOpen;

    @Option(names = "--outbound-injection", defaultValue = "SEND",
            description = "How permitted outbound packets re-enter the kernel: SEND (marked raw socket) or RECEIVE (TUN write). Default: ${DEFAULT-VALUE}.")
    InjectionPath outboundInjection;

    @Option(names = "--stats-file", paramLabel = "FILE", description = "Write counters as JSON to FILE every --stats-interval and at exit.")
    Path statsFile;

    @Option(names = "--stats-interval-ms", defaultValue = "1000", description = "Stats file period (default: ${DEFAULT-VALUE} ms).")
    long statsIntervalMs;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Policy file (YAML/JSON): validated completely, applied atomically, reloaded on SIGHUP; also starts the management API.")
    Path configFile;

    @Override
    public Integer call() throws Exception {
        // The policy is validated before anything else starts: a bad file stops the daemon with file:line:field.
        io.calloutd.config.CompiledPolicy policy = configFile == null ? null
                : new io.calloutd.config.ConfigLoader(io.calloutd.config.CalloutCatalog.EMPTY).load(configFile);
        io.calloutd.mgmt.NetEventHub netEvents = policy == null ? null : io.calloutd.mgmt.ManagementRuntime.newEventHub(policy);
        // TODO(lead): hand this engine to the pipeline's verdict hook; the flow table view replaces FlowView.NONE.
        io.calloutd.engine.FilterEngine engine = new io.calloutd.engine.FilterEngine(netEvents == null
                ? io.calloutd.engine.EngineConfig.defaults() : io.calloutd.engine.EngineConfig.defaults().withNetEvents(netEvents));
        io.calloutd.mgmt.ManagementRuntime management = policy == null ? null : new io.calloutd.mgmt.ManagementRuntime(
                configFile, policy, io.calloutd.config.CalloutCatalog.EMPTY, engine, netEvents, io.calloutd.mgmt.FlowView.NONE);
        GatewayConfig config = new GatewayConfig(inside, outside, tunPrefix, queues, table, rulePriority, mark, !failOpen);
        long started = System.currentTimeMillis();
        GatewayDaemon daemon = GatewayDaemon.start(config, VerdictHook.PERMIT_ALL, outboundInjection, ReassemblyConfig.DEFAULTS);
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
        AtomicBoolean closed = new AtomicBoolean();
        Runnable shutdown = () -> {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            running.set(false);
            LOG.info("stopping: restoring routing and removing the TUN devices");
            stats.shutdownNow();
            if (management != null) management.close();
            daemon.close();
            writeStats(daemon, started, false);
            LOG.info("stopped; packets in={} out={} malformed={}", daemon.counters().packetsIn(),
                    daemon.counters().packetsOut(), daemon.counters().dropsMalformed());
        };
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "calloutd-shutdown"));
        stopRequested.await();
        shutdown.run();
        return 0;
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

    /** Accepts decimal or 0x-prefixed hexadecimal integers (marks are usually written in hex). */
    static final class IntegerLiteral implements picocli.CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return Integer.decode(value);
        }
    }
}
