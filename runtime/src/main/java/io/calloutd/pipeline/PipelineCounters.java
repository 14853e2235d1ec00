package io.calloutd.pipeline;

import java.util.concurrent.atomic.LongAdder;

/**
 * Packet accounting of the pipelines. Every packet read ends in exactly one bucket, so when traffic is quiet
 * {@link #unaccounted()} is 0: reinjected as it was, taken into a reassembly (held, or completing a datagram),
 * or dropped with a counted reason. Reassembled datagrams have their own outcome counters. LongAdder keeps
 * the packet threads free of contention while the stats writer reads.
 */
public final class PipelineCounters {
    final LongAdder packetsIn = new LongAdder();
    final LongAdder headersRebuilt = new LongAdder();
    final LongAdder resumed = new LongAdder();
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
    final LongAdder dropsTooBig = new LongAdder();
    final LongAdder fragmentsConsumed = new LongAdder();
    final LongAdder dropsFragment = new LongAdder();
    final LongAdder datagramsReassembled = new LongAdder();
    final LongAdder datagramsDropped = new LongAdder();
    final LongAdder reassembledOut = new LongAdder();
    final LongAdder fragmentsOut = new LongAdder();
    final LongAdder icmpErrorsSent = new LongAdder();
    final GsoCounters gso = new GsoCounters();
    final LongAdder injectionsAccepted = new LongAdder();
    final LongAdder injectionsRefused = new LongAdder();
    final LongAdder injectedOut = new LongAdder();
    final LongAdder injectedBlocked = new LongAdder();
    final LongAdder injectedMalformed = new LongAdder();
    final LongAdder injectedTooBig = new LongAdder();
    final LongAdder injectedFailed = new LongAdder();
    final LongAdder hookOut = new LongAdder();
    final LongAdder hookRefused = new LongAdder();
    final LongAdder hookFailed = new LongAdder();

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
    /** @return packets dropped because they exceed the egress MTU and may not be fragmented */
    public long dropsTooBig() { return dropsTooBig.sum(); }
    /** @return fragments taken into a reassembly (held, or completing a datagram) */
    public long fragmentsConsumed() { return fragmentsConsumed.sum(); }
    /** @return fragments discarded by reassembly (reasons in the reassembler's statistics) */
    public long dropsFragment() { return dropsFragment.sum(); }
    /** @return datagrams completed by reassembly */
    public long datagramsReassembled() { return datagramsReassembled.sum(); }
    /** @return reassembled datagrams dropped (policy, MTU, malformed, refused) */
    public long datagramsDropped() { return datagramsDropped.sum(); }
    /** @return packets reinjected for reassembled datagrams (whole or refragmented) */
    public long reassembledOut() { return reassembledOut.sum(); }
    /** @return fragments produced by refragmentation */
    public long fragmentsOut() { return fragmentsOut.sum(); }
    /** @return ICMP fragmentation-needed / packet-too-big errors sent to senders */
    public long icmpErrorsSent() { return icmpErrorsSent.sum(); }
    /** @return what the GSO stage did (vnet-header TUNs only) */
    public GsoCounters gso() { return gso; }

    /** @return callout injections taken into a packet thread's queue (each completes exactly once) */
    public long injectionsAccepted() { return injectionsAccepted.sum(); }
    /** @return callout injections refused synchronously (queue full, stream injection) */
    public long injectionsRefused() { return injectionsRefused.sum(); }
    /** @return packets written to the kernel for injections (also counted in {@link #packetsOut()}) */
    public long injectedOut() { return injectedOut.sum(); }
    /** @return injected packets blocked (or absorbed) where they re-entered the classification */
    public long injectedBlocked() { return injectedBlocked.sum(); }
    /** @return injected packets that were not valid IP packets */
    public long injectedMalformed() { return injectedMalformed.sum(); }
    /** @return injected packets too big for the egress MTU that could not be fragmented */
    public long injectedTooBig() { return injectedTooBig.sum(); }
    /** @return injected packets the kernel refused */
    public long injectedFailed() { return injectedFailed.sum(); }

    /** @return packets the verdict hook originated (rebuilt stream segments) written to the kernel (also in {@link #packetsOut()}) */
    public long hookOut() { return hookOut.sum(); }
    /** @return packets the verdict hook originated that were refused (queue full) */
    public long hookRefused() { return hookRefused.sum(); }
    /** @return packets the verdict hook originated that could not be written (MTU, kernel refusal, malformed) */
    public long hookFailed() { return hookFailed.sum(); }

    /**
     * @return packets read that are in no outcome bucket: 0 whenever no packet is being processed
     *         ({@code packetsIn = (packetsOut - reassembledOut) + fragmentsConsumed + all per-packet drops}, where a
     *         super-frame segmented in software counts as its segments)
     */
    public long unaccounted() {
        return packetsIn() + gso.segments() - gso.segmented() - gso.drops() - (packetsOut() - reassembledOut() - injectedOut() - hookOut()) - fragmentsConsumed() - dropsFragment() - dropsMalformed()
                - dropsByVerdict() - dropsInjectionFailed() - dropsTooBig();
    }

    /** Packets taken back after a pended classification completed (§5); also counted in packetsIn. */
    public long resumed() { return resumed.sum(); }

    /** Injected packets on the send path whose headers were rebuilt contiguous and 8-byte aligned. */
    public long headersRebuilt() { return headersRebuilt.sum(); }
}
