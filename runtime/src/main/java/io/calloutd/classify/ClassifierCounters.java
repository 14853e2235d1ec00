package io.calloutd.classify;

import java.util.concurrent.atomic.LongAdder;

/** What the layer classifier decided beyond the engine's per-layer counters; shared by all packet threads. */
public final class ClassifierCounters {
    final LongAdder authorizations = new LongAdder();
    final LongAdder authorizationBlocks = new LongAdder();
    final LongAdder reauthorizations = new LongAdder();
    final LongAdder reauthorizationBlocks = new LongAdder();
    final LongAdder layerBlocks = new LongAdder();
    final LongAdder fragmentBlocks = new LongAdder();
    final LongAdder flowTableFull = new LongAdder();
    final LongAdder killedFlowDrops = new LongAdder();
    final LongAdder flowsKilled = new LongAdder();
    final LongAdder establishedPolicyWarnings = new LongAdder();
    final LongAdder resetsSuppressed = new LongAdder();
    final LongAdder icmpErrorsSuppressed = new LongAdder();
    final LongAdder endpointClosures = new LongAdder();
    final LongAdder pends = new LongAdder();
    final LongAdder pendCompletions = new LongAdder();
    final LongAdder pendTimeouts = new LongAdder();
    final LongAdder pendTableFull = new LongAdder();
    final LongAdder pendRefused = new LongAdder();
    final LongAdder pendFlowGone = new LongAdder();
    final LongAdder pendedFlowDrops = new LongAdder();

    /** New flows classified at AUTH_CONNECT or AUTH_RECV_ACCEPT. */
    public long authorizations() { return authorizations.sum(); }

    /** New flows whose authorization was blocked (the packet dropped, the flow not created). */
    public long authorizationBlocks() { return authorizationBlocks.sum(); }

    /** Packets of live flows reauthorized after a policy change. */
    public long reauthorizations() { return reauthorizations.sum(); }

    /** Reauthorizations that blocked (the packet dropped). */
    public long reauthorizationBlocks() { return reauthorizationBlocks.sum(); }

    /** Packets dropped by a BLOCK at a packet, transport, datagram, stream, ICMP-error or redirect layer. */
    public long layerBlocks() { return layerBlocks.sum(); }

    /** Inbound fragments dropped by a BLOCK at the network layer. */
    public long fragmentBlocks() { return fragmentBlocks.sum(); }

    /** Packets of new flows dropped because the flow table was full and nothing could be evicted. */
    public long flowTableFull() { return flowTableFull.sum(); }

    /** Flows killed by a security-error BLOCK at FLOW_ESTABLISHED. */
    public long flowsKilled() { return flowsKilled.sum(); }

    /** Packets dropped because their flow had been killed. */
    public long killedFlowDrops() { return killedFlowDrops.sum(); }

    /** BLOCKs at FLOW_ESTABLISHED not flagged as security errors: ignored and reported (check 58). */
    public long establishedPolicyWarnings() { return establishedPolicyWarnings.sum(); }

    /** RSTs answering a SYN to a closed port, suppressed by a BLOCK at INBOUND_TRANSPORT_DISCARD (check 53). */
    public long resetsSuppressed() { return resetsSuppressed.sum(); }

    /** ICMP errors suppressed by a BLOCK at INBOUND_IPPACKET_DISCARD or OUTBOUND_ICMP_ERROR (check 54). */
    public long icmpErrorsSuppressed() { return icmpErrorsSuppressed.sum(); }

    /** ALE_ENDPOINT_CLOSURE indications (one per ended flow). */
    public long endpointClosures() { return endpointClosures.sum(); }

    /** Classifications pended by callouts (§5); their packets are held, not dropped. */
    public long pends() { return pends.sum(); }

    /** Pends completed by their callouts and processed on the packet thread. */
    public long pendCompletions() { return pendCompletions.sum(); }

    /** Pends released after the pend timeout (their held packet dropped, a PEND_TIMEOUT net event). */
    public long pendTimeouts() { return pendTimeouts.sum(); }

    /** Pend requests refused because the pend table was full (the callout then blocks: a counted drop). */
    public long pendTableFull() { return pendTableFull.sum(); }

    /** Pend requests refused with CANNOT_PEND (reauthorization, layer without pending, WRITE absent). */
    public long pendRefused() { return pendRefused.sum(); }

    /** Completed pends whose flow had ended meanwhile: the held packet was dropped. */
    public long pendFlowGone() { return pendFlowGone.sum(); }

    /** Further packets of a flow whose authorization is pended (retransmitted SYNs...), dropped (§5.2). */
    public long pendedFlowDrops() { return pendedFlowDrops.sum(); }

    /** Every packet this classifier dropped, whatever the reason. */
    public long drops() {
        return authorizationBlocks() + reauthorizationBlocks() + layerBlocks() + fragmentBlocks() + flowTableFull()
                + killedFlowDrops() + flowsKilled() + resetsSuppressed() + icmpErrorsSuppressed() + pendedFlowDrops()
                + pendFlowGone() + pendTimeouts();
    }
}
