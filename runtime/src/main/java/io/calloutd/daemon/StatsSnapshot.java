package io.calloutd.daemon;

import io.calloutd.packet.DropCounters;
import io.calloutd.packet.DropReason;
import io.calloutd.pipeline.PipelineCounters;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The daemon's counters at one instant, as written to the stats file (JSON). Field names are a stable
 * contract for tests, the demo and scripts.
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
 * @param receiverErrors        unexpected errors in the packet threads
 * @param drops                 malformed drops by reason (metric name), non-zero only
 */
public record StatsSnapshot(boolean ready, long uptimeMillis, long packetsIn, long bytesIn, long packetsOut,
                            long bytesOut, long inbound, long outbound, long reinjectedReceivePath,
                            long reinjectedSendPath, long dropsMalformed, long dropsByVerdict,
                            long dropsInjectionFailed, long receiverErrors, Map<String, Long> drops) {

    /** Reads the counters now. */
    public static StatsSnapshot of(boolean ready, long uptimeMillis, PipelineCounters c, List<DropCounters> dropCounters,
                                   long receiverErrors) {
        Map<String, Long> drops = new TreeMap<>();
        for (DropReason r : DropReason.values()) {
            long n = 0;
            for (DropCounters d : dropCounters) {
                n += d.get(r);
            }
            if (n != 0) {
                drops.put(r.metricName(), n);
            }
        }
        return new StatsSnapshot(ready, uptimeMillis, c.packetsIn(), c.bytesIn(), c.packetsOut(), c.bytesOut(),
                c.inbound(), c.outbound(), c.reinjectedReceivePath(), c.reinjectedSendPath(), c.dropsMalformed(),
                c.dropsByVerdict(), c.dropsInjectionFailed(), receiverErrors, drops);
    }
}
