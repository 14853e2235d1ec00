package io.calloutd.daemon;

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
 */
public record StatsSnapshot(boolean ready, long uptimeMillis, long packetsIn, long bytesIn, long packetsOut,
                            long bytesOut, long inbound, long outbound, long reinjectedReceivePath,
                            long reinjectedSendPath, long dropsMalformed, long dropsByVerdict,
                            long dropsInjectionFailed, long dropsTooBig, long fragmentsConsumed, long dropsFragment,
                            long datagramsReassembled, long datagramsDropped, long reassembledOut, long fragmentsOut,
                            long icmpErrorsSent, long unaccounted, long receiverErrors, Map<String, Long> drops,
                            List<String> offloads, long gsoSuperFrames, long gsoPassedWhole, long gsoSegmented,
                            long gsoSegments, long checksumsCompleted, long dropsGso) {

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
                g.segmented(), g.segments(), g.checksumsCompleted(), g.drops());
    }

    private static void putNonZero(Map<String, Long> map, String key, long n) {
        if (n != 0) {
            map.put(key, n);
        }
    }
}
