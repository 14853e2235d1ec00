package io.calloutd.daemon;

import io.calloutd.classify.ClassifierCounters;
import io.calloutd.engine.EngineCounters;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.Layer;
import io.calloutd.engine.NetEvent;
import java.util.LinkedHashMap;
import java.util.List;
import io.calloutd.fragment.FragmentDropReason;
import io.calloutd.gso.GsoDropReason;
import io.calloutd.nativebridge.TunOffload;
import io.calloutd.pipeline.GsoCounters;
import io.calloutd.packet.DropCounters;
import io.calloutd.packet.DropReason;
import io.calloutd.pipeline.PacketPipeline;
import io.calloutd.pipeline.PipelineCounters;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The daemon's counters at one instant, as written to the stats file (JSON). Field names are a stable
 * contract for tests, the demo and scripts; {@link PipelineCounters} documents each counter.
 *
 * @param ready                 the routing is installed and packets are being processed
 * @param uptimeMillis          time since start
 * @param packetsIn             packets read from the TUNs
 * @param bytesIn               bytes read from the TUNs
 * @param packetsOut            packets reinjected into the kernel
 * @param bytesOut              bytes reinjected into the kernel
 * @param inbound               packets read that came from the outside
 * @param outbound              packets read that came from the inside
 * @param reinjectedReceivePath packets written to a TUN
 * @param reinjectedSendPath    packets sent through the marked raw socket
 * @param dropsMalformed        packets dropped by validation (detail in {@code drops})
 * @param dropsByVerdict        packets dropped by policy
 * @param dropsInjectionFailed  packets the kernel refused on reinjection
 * @param dropsTooBig           packets over the egress MTU that may not be fragmented
 * @param fragmentsConsumed     fragments taken into reassembly
 * @param dropsFragment         fragments discarded by reassembly (detail in {@code drops})
 * @param datagramsReassembled  datagrams completed by reassembly
 * @param datagramsDropped      reassembled datagrams dropped
 * @param reassembledOut        packets reinjected for reassembled datagrams
 * @param fragmentsOut          fragments produced by refragmentation
 * @param icmpErrorsSent        ICMP fragmentation-needed / packet-too-big sent
 * @param unaccounted           packets in no outcome bucket: 0 whenever traffic is quiet
 * @param receiverErrors        unexpected errors in the packet threads
 * @param drops                 drops by reason (metric name), non-zero only
 * @param offloads              TUN offloads enabled (empty: no vnet header)
 * @param gsoSuperFrames        GSO super-frames read
 * @param gsoPassedWhole        super-frames handed back to the kernel whole
 * @param gsoSegmented          super-frames segmented in software
 * @param gsoSegments           segments produced by software segmentation
 * @param checksumsCompleted    partial checksums completed (egress without vnet header)
 * @param dropsGso              frames refused by the GSO stage (detail in {@code drops}, {@code gso_*})
 * @param classifier            layer classifier decisions ({@link ClassifierCounters}), by name
 * @param layers                per layer: classifications, blocks, permits (non-zero layers only)
 * @param flows                 live flows over all packet threads
 * @param netEvents             the latest net events (newest last), as text
 * @param callouts              per registered callout (by name): invocations, failures, overruns, skipped, maxNanos
 * @param injections            callout injections through the pipelines (accepted, refused, out, blocked, ...)
 * @param calloutInstances      per configured callout instance (by config id): its type and what it reports
 */
public record StatsSnapshot(boolean ready, long uptimeMillis, long packetsIn, long bytesIn, long packetsOut,
                            long bytesOut, long inbound, long outbound, long reinjectedReceivePath,
                            long reinjectedSendPath, long dropsMalformed, long dropsByVerdict,
                            long dropsInjectionFailed, long dropsTooBig, long fragmentsConsumed, long dropsFragment,
                            long datagramsReassembled, long datagramsDropped, long reassembledOut, long fragmentsOut,
                            long icmpErrorsSent, long unaccounted, long receiverErrors, Map<String, Long> drops,
                            List<String> offloads, long gsoSuperFrames, long gsoPassedWhole, long gsoSegmented,
                            long gsoSegments, long checksumsCompleted, long dropsGso,
                            Map<String, Long> classifier, Map<String, Map<String, Long>> layers, long flows,
                            List<NetEvent> netEvents, Map<String, Map<String, Long>> callouts,
                            Map<String, Long> injections, Map<String, Map<String, Object>> calloutInstances) {

    /** Reads the daemon's counters now. */
    public static StatsSnapshot of(boolean ready, long uptimeMillis, GatewayDaemon daemon) {
        Map<String, Long> drops = new TreeMap<>();
        for (DropReason r : DropReason.values()) {
            long n = 0;
            for (DropCounters d : daemon.dropCounters()) {
                n += d.get(r);
            }
            putNonZero(drops, r.metricName(), n);
        }
        for (FragmentDropReason r : FragmentDropReason.values()) {
            long n = 0;
            for (PacketPipeline p : daemon.pipelines()) {
                n += p.reassembler().stats().dropped(r);
            }
            putNonZero(drops, r.metricName(), n);
        }
        PipelineCounters c = daemon.counters();
        GsoCounters g = c.gso();
        for (GsoDropReason r : GsoDropReason.values()) {
            putNonZero(drops, r.metricName(), g.drops(r));
        }
        return new StatsSnapshot(ready, uptimeMillis, c.packetsIn(), c.bytesIn(), c.packetsOut(), c.bytesOut(),
                c.inbound(), c.outbound(), c.reinjectedReceivePath(), c.reinjectedSendPath(), c.dropsMalformed(),
                c.dropsByVerdict(), c.dropsInjectionFailed(), c.dropsTooBig(), c.fragmentsConsumed(), c.dropsFragment(),
                c.datagramsReassembled(), c.datagramsDropped(), c.reassembledOut(), c.fragmentsOut(), c.icmpErrorsSent(),
                c.unaccounted(), daemon.receiverErrors(), drops,
                daemon.offloads().stream().map(TunOffload::optionName).toList(), g.superFrames(), g.passedWhole(),
                g.segmented(), g.segments(), g.checksumsCompleted(), g.drops(),
                classifier(daemon),
                layers(daemon.engine()), daemon.classifiers().stream().mapToLong(l -> l.flows().size()).sum(),
                daemon.netEvents() == null ? List.of() : tail(daemon.netEvents().snapshot(), 100),
                callouts(daemon), injections(c), daemon.calloutStatus());
    }

    private static Map<String, Map<String, Long>> callouts(GatewayDaemon daemon) {
        Map<String, Map<String, Long>> m = new TreeMap<>();
        if (daemon.callouts() == null) {
            return m;
        }
        for (io.calloutd.callout.RegisteredCallout r : daemon.callouts().registry().registered()) {
            io.calloutd.callout.CalloutTiming t = r.timing();
            Map<String, Long> one = new LinkedHashMap<>();
            one.put("invocations", t.invocations());
            one.put("failures", t.failures());
            one.put("overruns", t.overruns());
            one.put("skipped", t.skipped());
            one.put("maxNanos", t.maxNanos());
            m.put(t.name() != null ? t.name() : r.key().toString(), one);
        }
        return m;
    }

    private static Map<String, Long> injections(PipelineCounters c) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("accepted", c.injectionsAccepted());
        m.put("refused", c.injectionsRefused());
        m.put("out", c.injectedOut());
        m.put("blocked", c.injectedBlocked());
        m.put("malformed", c.injectedMalformed());
        m.put("tooBig", c.injectedTooBig());
        m.put("failed", c.injectedFailed());
        return m;
    }

    private static Map<String, Long> classifier(GatewayDaemon daemon) {
        ClassifierCounters k = daemon.classifierCounters();
        Map<String, Long> m = new LinkedHashMap<>();
        // Approximate reads of the packet threads' plain counters: fine for monitoring.
        m.put("flowsCreated", daemon.classifiers().stream().mapToLong(c -> c.flows().counters().created()).sum());
        m.put("flowsMidStream", daemon.classifiers().stream().mapToLong(c -> c.flows().counters().midStream()).sum());
        m.put("authorizations", k.authorizations());
        m.put("authorizationBlocks", k.authorizationBlocks());
        m.put("reauthorizations", k.reauthorizations());
        m.put("reauthorizationBlocks", k.reauthorizationBlocks());
        m.put("layerBlocks", k.layerBlocks());
        m.put("fragmentBlocks", k.fragmentBlocks());
        m.put("flowTableFull", k.flowTableFull());
        m.put("flowsKilled", k.flowsKilled());
        m.put("killedFlowDrops", k.killedFlowDrops());
        m.put("establishedPolicyWarnings", k.establishedPolicyWarnings());
        m.put("resetsSuppressed", k.resetsSuppressed());
        m.put("icmpErrorsSuppressed", k.icmpErrorsSuppressed());
        m.put("endpointClosures", k.endpointClosures());
        // The stream layer's accounting (§6), summed over the packet threads, as "stream.<counter>".
        for (var c : daemon.classifiers()) {
            c.stream().counters().asMap().forEach((name, v) -> m.merge("stream." + name, v, Long::sum));
        }
        m.put("pends", k.pends());
        m.put("pendCompletions", k.pendCompletions());
        m.put("pendTimeouts", k.pendTimeouts());
        m.put("pendTableFull", k.pendTableFull());
        m.put("pendRefused", k.pendRefused());
        m.put("pendFlowGone", k.pendFlowGone());
        m.put("pendedFlowDrops", k.pendedFlowDrops());
        return m;
    }

    private static Map<String, Map<String, Long>> layers(FilterEngine engine) {
        Map<String, Map<String, Long>> m = new TreeMap<>();
        if (engine == null) {
            return m;
        }
        for (Layer layer : Layer.values()) {
            long n = engine.counters().get(layer, EngineCounters.Kind.CLASSIFICATIONS);
            if (n == 0) {
                continue;
            }
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("classifications", n);
            c.put("blocks", engine.counters().get(layer, EngineCounters.Kind.BLOCKS));
            c.put("permits", engine.counters().get(layer, EngineCounters.Kind.PERMITS));
            m.put(layer.name(), c);
        }
        return m;
    }

    private static <T> List<T> tail(List<T> list, int n) {
        return list.size() <= n ? list : list.subList(list.size() - n, list.size());
    }

    private static void putNonZero(Map<String, Long> map, String key, long n) {
        if (n != 0) {
            map.put(key, n);
        }
    }
}
