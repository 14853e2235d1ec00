package io.calloutd.pipeline;

import java.util.concurrent.atomic.LongAdder;

/**
 * Packet accounting of one pipeline. The invariant operators rely on:
 * {@code packetsIn == packetsOut + dropsMalformed + dropsByVerdict + dropsInjectionFailed}.
 * LongAdder keeps the packet thread free of contention while the stats writer reads.
 */
public final class PipelineCounters {
    final LongAdder packetsIn = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder packetsOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder inbound = new LongAdder();
    final LongAdder outbound = new LongAdder();
    final LongAdder reinjectedReceivePath = new LongAdder();
    final LongAdder reinjectedSendPath = new LongAdder();
    final LongAdder dropsMalformed = new LongAdder();
    final LongAdder dropsByVerdict = new LongAdder();
    final LongAdder dropsInjectionFailed = new LongAdder();

    /** @return packets read from the TUN queues */
    public long packetsIn() { return packetsIn.sum(); }
    /** @return bytes read from the TUN queues */
    public long bytesIn() { return bytesIn.sum(); }
    /** @return packets handed back to the kernel */
    public long packetsOut() { return packetsOut.sum(); }
    /** @return bytes handed back to the kernel */
    public long bytesOut() { return bytesOut.sum(); }
    /** @return packets that arrived from the outside */
    public long inbound() { return inbound.sum(); }
    /** @return packets that arrived from the inside */
    public long outbound() { return outbound.sum(); }
    /** @return packets reinjected by a TUN write (receive path) */
    public long reinjectedReceivePath() { return reinjectedReceivePath.sum(); }
    /** @return packets reinjected through the marked raw socket (send path) */
    public long reinjectedSendPath() { return reinjectedSendPath.sum(); }
    /** @return packets dropped because they failed validation */
    public long dropsMalformed() { return dropsMalformed.sum(); }
    /** @return packets dropped by the verdict hook */
    public long dropsByVerdict() { return dropsByVerdict.sum(); }
    /** @return packets the kernel refused on reinjection */
    public long dropsInjectionFailed() { return dropsInjectionFailed.sum(); }
}
