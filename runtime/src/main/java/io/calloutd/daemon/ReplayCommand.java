package io.calloutd.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.calloutd.config.CalloutCatalog;
import io.calloutd.config.CompiledPolicy;
import io.calloutd.config.ConfigLoader;
import io.calloutd.config.PolicyApplier;
import io.calloutd.engine.EngineConfig;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.Verdict;
import io.calloutd.replay.DirectionRule;
import io.calloutd.replay.PacketVerdict;
import io.calloutd.replay.PcapSource;
import io.calloutd.replay.ReplayRunner;
import io.calloutd.replay.ReplaySummary;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code calloutd replay}: the policy of a config file run offline over a capture, one JSON line of verdict per
 * packet and a summary. Needs no root and no TUN: only libpcap to read the file.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Run a policy file offline over a pcap/pcapng capture: one JSON line per packet (index, time, "
                + "5-tuple, verdict, deciding layer and filter) and a summary line. Needs no privileges.",
                "A capture does not record direction: packets from an --inside-prefix are OUTBOUND, packets to one "
                        + "INBOUND, others are skipped."})
final class ReplayCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Policy file (as for calloutd run).")
    Path config;

    @Option(names = "--inside-prefix", required = true, split = ",", paramLabel = "CIDR",
            description = "Prefix of the protected (inside) network; repeatable or comma-separated, IPv4 and IPv6.")
    List<String> insidePrefixes;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the verdict lines to FILE instead of stdout.")
    Path out;

    @Option(names = "--summary-only", description = "Print only the summary.")
    boolean summaryOnly;

    @Option(names = "--default-verdict", defaultValue = "PERMIT",
            description = "Verdict when no filter decides at a layer (as for calloutd run; default: ${DEFAULT-VALUE}).")
    Verdict defaultVerdict;

    @Parameters(index = "0", paramLabel = "CAPTURE", description = "The pcap or pcapng file.")
    Path capture;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DirectionRule rule;
        try {
            rule = DirectionRule.insidePrefixes(insidePrefixes);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        FilterEngine engine = new FilterEngine(EngineConfig.defaults().withDefaultVerdict(defaultVerdict));
        // The policy's callouts run as in the daemon; their injections re-enter the replay's pipeline.
        io.calloutd.pipeline.InjectionRouter router = new io.calloutd.pipeline.InjectionRouter();
        Writer lines = out == null ? spec.commandLine().getOut()
                : Files.newBufferedWriter(out, StandardCharsets.UTF_8);
        try (io.calloutd.callout.CalloutRuntime callouts = new io.calloutd.callout.CalloutRuntime(engine, router,
                     io.calloutd.callout.CalloutRuntime.Config.defaults())) {
            CompiledPolicy policy = new ConfigLoader(CalloutCatalog.discover(ReplayCommand.class.getClassLoader(),
                    callouts.services())).load(config);
            PolicyApplier applier = new PolicyApplier(engine, callouts.registry());
            applier.apply(policy);
            try {
                return replay(engine, rule, policy, callouts, router, lines);
            } finally {
                applier.close();
            }
        } finally {
            if (out != null) {
                lines.close();
            }
        }
    }

    private int replay(FilterEngine engine, DirectionRule rule, CompiledPolicy policy,
                       io.calloutd.callout.CalloutRuntime callouts, io.calloutd.pipeline.InjectionRouter router,
                       Writer lines) throws Exception {
        try (PcapSource source = PcapSource.open(capture);
             ReplayRunner runner = new ReplayRunner(engine, rule, RunCommand.flowConfig(policy),
                     PooledByteBufAllocator.DEFAULT, callouts.registry())) {
            router.add((io.calloutd.pipeline.PacketPipeline) runner.injectionTarget());
            long index = 0;
            for (PcapSource.Frame f = source.next(); f != null; f = source.next()) {
                PacketVerdict v = runner.process(++index, f.timeNanos(), source.linkType(), f.bytes());
                if (!summaryOnly || out != null) {
                    lines.write(JSON.writeValueAsString(v));
                    lines.write('\n');
                }
            }
            lines.flush();
            Map<String, Object> s = summary(runner.summary());
            spec.commandLine().getOut().println(JSON.writeValueAsString(Map.of("summary", s)));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    private static Map<String, Object> summary(ReplaySummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("packets", s.packets());
        m.put("verdicts", new java.util.TreeMap<>(s.verdicts()));
        m.put("blocksByLayer", new java.util.TreeMap<>(s.blocksByLayer()));
        m.put("blocksByFilter", new java.util.TreeMap<>(s.blocksByFilter()));
        m.put("permitsByFilter", new java.util.TreeMap<>(s.permitsByFilter()));
        return m;
    }
}
