package io.calloutd.classify;

import io.calloutd.callout.InjectionTag;
import io.calloutd.callout.InjectionType;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.ClassifyResult;
import io.calloutd.engine.ConditionFlags;
import io.calloutd.engine.DiscardReason;
import io.calloutd.engine.Field;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterFlags;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import io.calloutd.engine.NetEvent;
import io.calloutd.engine.NetEventSink;
import io.calloutd.engine.NetEventType;
import io.calloutd.engine.Verdict;
import io.calloutd.flow.Flow;
import io.calloutd.flow.FlowConfig;
import io.calloutd.flow.FlowDeleteListener;
import io.calloutd.flow.FlowEvent;
import io.calloutd.flow.FlowState;
import io.calloutd.flow.FlowTable;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.packet.TcpHeader;
import io.calloutd.pipeline.Direction;
import io.calloutd.pipeline.VerdictHook;
import java.util.function.LongSupplier;

/**
 * The shim between the packet path and the filter engine: it walks each packet through the WFP layers in the
 * order of §1.7, filling every layer's incoming values from the parsed headers, and drives the ALE layers from a
 * flow table. "Local" is the protected host behind the gateway: packets from it are OUTBOUND, packets to it
 * INBOUND.
 *
 * <ul>
 *   <li>Outbound, first packet of a flow: BIND_REDIRECT → CONNECT_REDIRECT → AUTH_CONNECT, then (non-TCP)
 *       FLOW_ESTABLISHED; then DATAGRAM_DATA (non-TCP) or STREAM (TCP with payload or FIN) → OUTBOUND_TRANSPORT →
 *       OUTBOUND_IPPACKET. The bind is implicit on a TUN: it is indicated with the connect.</li>
 *   <li>Inbound: INBOUND_IPPACKET → INBOUND_TRANSPORT (or INBOUND_ICMP_ERROR) → AUTH_RECV_ACCEPT on a new flow
 *       → FLOW_ESTABLISHED when the flow becomes established → DATAGRAM_DATA or STREAM.</li>
 *   <li>Once a flow is authorized its later packets skip ALE, until the policy at the authorizing layer changes:
 *       the next packet in either direction is then reauthorized there with IS_REAUTHORIZE (§1.8).</li>
 *   <li>Inbound fragments are indicated at INBOUND_IPPACKET twice each (as a packet, then flagged
 *       IS_FRAGMENT), the reassembled datagram once more (IS_REASSEMBLED); outbound fragments are not indicated.</li>
 *   <li>A RST from the protected host answering a SYN it never accepted is the trace of a closed port: the SYN is
 *       indicated at INBOUND_TRANSPORT_DISCARD and a BLOCK there suppresses the RST (stealth, check 53). An ICMP
 *       port-unreachable it sends is indicated at INBOUND_IPPACKET_DISCARD for the datagram it quotes, where a
 *       BLOCK suppresses it, and at OUTBOUND_ICMP_ERROR (check 54).</li>
 *   <li>A BLOCK at FLOW_ESTABLISHED kills the connection only when flagged as a security error
 *       ({@link FilterFlags#BLOCK_IS_SECURITY_ERROR}, {@link ClassifyOut#FLAG_SECURITY_ERROR}); otherwise it is
 *       ignored and reported as a policy warning (check 58).</li>
 *   <li>ENDPOINT_CLOSURE is indicated once when a flow ends (FIN, RST, idle timeout, eviction).</li>
 * </ul>
 *
 * <p>One instance per packet thread (it owns that thread's flow table). Allocation-free in the steady state.
 */
public final class LayerClassifier implements VerdictHook, AutoCloseable {
    /** How often the flow table's incremental expiry sweep runs, at most. */
    private static final long EXPIRE_INTERVAL_NANOS = 100_000_000L;

    private final FilterEngine engine;
    private final FlowTable flows;
    private final ClassifierCounters counters;
    private final int interfaceIndex;
    private final IncomingValues in = new IncomingValues();
    private final IncomingValues quotedIn = new IncomingValues();
    private final ClassifyContext ctx = new ClassifyContext();
    private final ClassifyResult result = new ClassifyResult();
    private final PacketFacts facts = new PacketFacts();
    private final PacketMetadata meta = new PacketMetadata();
    private final FlowEvent event = new FlowEvent();
    private final MulticastWindows multicast = new MulticastWindows(64);
    private final LayerDataView layerData;
    /** The flow handed to callouts at the ALE, DATAGRAM_DATA and STREAM layers of the current walk, else null. */
    private Flow indicationFlow;
    /** Tag of the injected packet being walked (§4.3), else null. */
    private InjectionTag injectionTag;
    private volatile ClassificationObserver observer;
    private LongSupplier clock = System::nanoTime;
    private java.util.function.BooleanSupplier segmentSuperFrames = () -> false;
    private long nextExpireNanos;
    private volatile io.calloutd.metrics.LayerTimings timings;
    private int timingMask;
    private int classifications;

    /**
     * @param engine          the filter engine (shared by all packet threads)
     * @param flowConfig      this thread's flow table limits and timeouts
     * @param counters        decision counters (shared)
     * @param interfaceIndex  ifindex reported in INTERFACE_INDEX / IP_LOCAL_INTERFACE (0: unknown, left empty)
     * @param contextListener receives flowDelete for callout flow contexts (the callout runtime); may be null
     */
    public LayerClassifier(FilterEngine engine, FlowConfig flowConfig, ClassifierCounters counters, int interfaceIndex,
                           FlowDeleteListener contextListener) {
        this.engine = engine;
        this.counters = counters;
        this.interfaceIndex = interfaceIndex;
        this.flows = new FlowTable(flowConfig, new EndpointClosures(engine, counters, interfaceIndex,
                contextListener == null ? FlowDeleteListener.NONE : contextListener, () -> observer));
        this.layerData = new LayerDataView(interfaceIndex);
        ctx.metadata(meta);
    }

    /** Installs (or with null removes) the observer that sees every classification. */
    public void observer(ClassificationObserver o) {
        this.observer = o;
    }

    /** Times one classification in {@code t.sampleEvery()} into {@code t} (null: no timing). */
    public void timings(io.calloutd.metrics.LayerTimings t) {
        this.timingMask = t == null ? 0 : t.sampleEvery() - 1;
        this.timings = t;
    }

    /** Replaces the monotonic clock (nanoseconds) that drives flow timeouts and multicast windows; for tests. */
    public void clock(LongSupplier nanoClock) {
        this.clock = nanoClock;
        this.nextExpireNanos = nanoClock.getAsLong();
    }

    /**
     * Names the data path this classifier feeds (an {@link io.calloutd.callout.InjectionTarget}); packets callouts
     * clone here report it as {@link io.calloutd.callout.InjectedPacket#origin()}.
     */
    public void injectionOrigin(Object origin) {
        layerData.origin(origin);
    }

    /**
     * Whether GSO super-frames are cut into wire-sized segments before classification (see
     * {@link VerdictHook#needsSegments}). Callouts that clone and reinject packets need it: a reinjected clone must
     * be a packet that fits the egress MTU. Asked once per super-frame; e.g. "are callouts registered".
     */
    public void segmentSuperFrames(java.util.function.BooleanSupplier when) {
        this.segmentSuperFrames = when;
    }

    @Override
    public boolean needsSegments(ParsedPacket superFrame, Direction direction) {
        return segmentSuperFrames.getAsBoolean();
    }

    /**
     * Sweeps a tenth of the flow table for expired flows. The daemon calls it every 100 ms as a task on the packet
     * thread, so idle flows end (ENDPOINT_CLOSURE, flowDelete) within about a second of their timeout even when no
     * packet arrives; the sweep a packet triggers covers only a small slice. Packet thread only.
     */
    public void expireTick() {
        flows.expire(clock.getAsLong(), flows.slotCount() / 10 + 1);
    }

    private void expireIfDue(long now) {
        if (now - nextExpireNanos >= 0) {
            nextExpireNanos = now + EXPIRE_INTERVAL_NANOS;
            flows.expire(now);
        }
    }

    /** This thread's flow table (read it only from the packet thread, or for approximate statistics). */
    public FlowTable flows() {
        return flows;
    }

    /**
     * The engine's result of the last classification this classifier made: after a BLOCK verdict, the blocking
     * layer and filter (except for a killed flow or a full flow table, which block without a classification).
     * Valid on the packet thread until the next packet.
     */
    public ClassifyResult lastResult() {
        return result;
    }

    /** The shared decision counters. */
    public ClassifierCounters counters() {
        return counters;
    }

    @Override
    public Verdict decide(ParsedPacket p, Direction d) {
        return classifyPacket(p, d, false);
    }

    @Override
    public Verdict decideReassembled(ParsedPacket p, Direction d) {
        return classifyPacket(p, d, true);
    }

    @Override
    public Verdict decideFragment(ParsedPacket p, Direction d) {
        return classifyFragment(p, d);
    }

    /**
     * A packet a callout injected, re-entering where its injection type does (§4.5): a network send at
     * OUTBOUND_IPPACKET only; transport sends at the top of the send path (ALE if needed, DATAGRAM_DATA or STREAM,
     * OUTBOUND_TRANSPORT, OUTBOUND_IPPACKET); receive injections at the bottom of the receive path (the whole inbound
     * walk). Callouts see {@code tag} on the layer data and recognise their own packets by it.
     */
    @Override
    public Verdict decideInjected(ParsedPacket p, Direction d, InjectionTag tag, InjectionType type) {
        injectionTag = tag;
        try {
            if (type == InjectionType.NETWORK_SEND) {
                prepare(p, Direction.OUTBOUND, false);
                Layer layer = LayerSet.of(facts.version).outboundIpPacket;
                return classify(layer, 0) == Verdict.BLOCK ? blocked() : Verdict.PERMIT;
            }
            if (p.isFragment()) {
                return classifyFragment(p, d); // no transport layers without the whole datagram
            }
            return classifyPacket(p, d, false);
        } finally {
            injectionTag = null;
        }
    }

    private Verdict classifyFragment(ParsedPacket p, Direction d) {
        if (d == Direction.OUTBOUND) {
            return Verdict.PERMIT; // WFP never indicates outbound fragments; the datagram is classified once whole
        }
        prepare(p, d, false);
        meta.fragmentId = p.fragmentId();
        Layer layer = LayerSet.of(facts.version).inboundIpPacket;
        if (classify(layer, 0) == Verdict.BLOCK || classify(layer, ConditionFlags.IS_FRAGMENT) == Verdict.BLOCK) {
            counters.fragmentBlocks.increment();
            return Verdict.BLOCK;
        }
        return Verdict.PERMIT;
    }

    private Verdict classifyPacket(ParsedPacket p, Direction d, boolean reassembled) {
        long now = clock.getAsLong();
        expireIfDue(now);
        prepare(p, d, reassembled);
        return d == Direction.OUTBOUND ? outbound(p, now) : inbound(p, now, reassembled);
    }

    private void prepare(ParsedPacket p, Direction d, boolean reassembled) {
        facts.read(p, d);
        ValueFiller.fill(in, facts, interfaceIndex);
        meta.packetDirection = d;
        meta.flowId = 0;
        meta.ipHeaderSize = p.networkHeaderLength();
        meta.transportHeaderSize = p.transportHeaderLength();
        meta.reauthorizeReason = 0;
        meta.reassembled = reassembled;
        meta.fragmentId = -1;
        meta.discardReason = null;
        ctx.clear();
        ctx.metadata(meta);
        layerData.packet(p, d, injectionTag);
        indicationFlow = null;
    }

    private Verdict outbound(ParsedPacket p, long now) {
        LayerSet l = LayerSet.of(facts.version);
        if (facts.icmpError) {
            if (isPortUnreachable() && facts.embeddedValid
                    && discard(l.inboundIpPacket.discardTwin(), DiscardReason.IP_PORT_UNREACHABLE, true) == Verdict.BLOCK) {
                counters.icmpErrorsSuppressed.increment();
                return Verdict.BLOCK;
            }
            if (classify(l.outboundIcmpError, 0) == Verdict.BLOCK) {
                counters.icmpErrorsSuppressed.increment();
                return Verdict.BLOCK;
            }
            flows.track(p, Direction.OUTBOUND, now, event);
            return transportAndPacket(l.outboundTransport, l.outboundIpPacket);
        }
        if (facts.isTcp() && (facts.tcpFlags & TcpHeader.RST) != 0 && closedPortReset(p, l)) {
            counters.resetsSuppressed.increment();
            return Verdict.BLOCK;
        }
        Flow flow = flows.track(p, Direction.OUTBOUND, now, event);
        indicationFlow = flow;
        try {
            Verdict ale = ale(flow, l, Direction.OUTBOUND);
            if (ale != Verdict.PERMIT) {
                return ale;
            }
            if (!facts.isTcp() && in.low(Field.IP_DESTINATION_ADDRESS_TYPE) != AddressType.UNICAST) {
                multicast.open(facts.localHigh, facts.localLow, facts.localPort, facts.protocol, now);
            }
            if (upperLayer(flow, l) == Verdict.BLOCK) {
                return blocked();
            }
        } finally {
            indicationFlow = null; // the transport and IP packet layers carry no flow
        }
        return transportAndPacket(l.outboundTransport, l.outboundIpPacket);
    }

    private Verdict inbound(ParsedPacket p, long now, boolean reassembled) {
        LayerSet l = LayerSet.of(facts.version);
        if (classify(l.inboundIpPacket, reassembled ? ConditionFlags.IS_REASSEMBLED : 0) == Verdict.BLOCK) {
            return blocked();
        }
        if (facts.icmpError) {
            if (classify(l.inboundIcmpError, 0) == Verdict.BLOCK) {
                return blocked();
            }
            flows.track(p, Direction.INBOUND, now, event);
            return Verdict.PERMIT;
        }
        if (classify(l.inboundTransport, 0) == Verdict.BLOCK) {
            return blocked();
        }
        if (!facts.isTcp() && !multicast.isEmpty()
                && multicast.admits(facts.localHigh, facts.localLow, facts.localPort, facts.protocol, now)
                && flows.lookup(p) == null) {
            // Admitted by the window an outbound multicast/broadcast opened; no flow of its own (check 57).
            setDirection(Direction.INBOUND);
            return classify(l.datagramData, 0) == Verdict.BLOCK ? blocked() : Verdict.PERMIT;
        }
        Flow flow = flows.track(p, Direction.INBOUND, now, event);
        indicationFlow = flow;
        try {
            Verdict ale = ale(flow, l, Direction.INBOUND);
            if (ale != Verdict.PERMIT) {
                return ale;
            }
            return upperLayer(flow, l) == Verdict.BLOCK ? blocked() : Verdict.PERMIT;
        } finally {
            indicationFlow = null;
        }
    }

    private Verdict transportAndPacket(Layer transport, Layer packet) {
        if (classify(transport, 0) == Verdict.BLOCK || classify(packet, 0) == Verdict.BLOCK) {
            return blocked();
        }
        return Verdict.PERMIT;
    }

    private Verdict blocked() {
        counters.layerBlocks.increment();
        return Verdict.BLOCK;
    }

    /** The ALE part: authorization of new flows, reauthorization, FLOW_ESTABLISHED, killed flows. */
    private Verdict ale(Flow flow, LayerSet l, Direction d) {
        if (event.result() == FlowEvent.Result.REFUSED) {
            counters.flowTableFull.increment();
            return Verdict.BLOCK;
        }
        if (flow == null) {
            return Verdict.PERMIT; // mid-stream TCP without pickup, untrackable: no ALE state to consult
        }
        meta.flowId = flow.id();
        in.setUint8(Field.FLOW_STATE, flow.state().ordinal());
        if (flow.isKilled()) {
            counters.killedFlowDrops.increment();
            return Verdict.BLOCK;
        }
        Layer auth = flow.initiatorDirection() == Direction.OUTBOUND ? l.authConnect : l.authRecvAccept;
        if (event.has(FlowEvent.NEW_FLOW)) {
            counters.authorizations.increment();
            if (d == Direction.OUTBOUND && (classify(l.bindRedirect, 0) == Verdict.BLOCK
                    || classify(l.connectRedirect, 0) == Verdict.BLOCK)) {
                return rejectNewFlow(flow);
            }
            if (classify(auth, 0) == Verdict.BLOCK) {
                return rejectNewFlow(flow);
            }
            flows.markAuthorized(flow, result.generation());
        } else if (flows.needsReauthorization(flow, engine.generation(auth))) {
            counters.reauthorizations.increment();
            meta.reauthorizeReason = ReauthorizeReason.POLICY_CHANGE;
            in.setUint32(Field.REAUTHORIZE_REASON, ReauthorizeReason.POLICY_CHANGE);
            Verdict v = classify(auth, ConditionFlags.IS_REAUTHORIZE);
            in.setEmpty(Field.REAUTHORIZE_REASON);
            meta.reauthorizeReason = 0;
            if (v == Verdict.BLOCK) {
                counters.reauthorizationBlocks.increment();
                return Verdict.BLOCK; // the flow stays unauthorized: its next packet is reauthorized again
            }
            flows.markAuthorized(flow, result.generation());
        }
        if (event.has(FlowEvent.ESTABLISHED)) {
            return flowEstablished(flow, l);
        }
        return Verdict.PERMIT;
    }

    private Verdict rejectNewFlow(Flow flow) {
        counters.authorizationBlocks.increment();
        flows.abort(flow); // so that the flow's next packet is authorized again
        return Verdict.BLOCK;
    }

    private Verdict flowEstablished(Flow flow, LayerSet l) {
        setDirection(flow.initiatorDirection());
        Verdict v = classify(l.flowEstablished, 0);
        if (v != Verdict.BLOCK) {
            return Verdict.PERMIT;
        }
        boolean security = (result.flags() & ClassifyOut.FLAG_SECURITY_ERROR) != 0
                || (result.filterId() != 0 && engine.filter(result.filterId())
                        .map(f -> (f.flags() & FilterFlags.BLOCK_IS_SECURITY_ERROR) != 0).orElse(false));
        if (security) {
            counters.flowsKilled.increment();
            flows.kill(flow);
            report(NetEventType.CONNECTION_KILLED);
            return Verdict.BLOCK;
        }
        counters.establishedPolicyWarnings.increment();
        report(NetEventType.POLICY_WARNING);
        return Verdict.PERMIT;
    }

    /** DATAGRAM_DATA for non-TCP flows, STREAM for TCP segments that carry data or a FIN (disconnect). */
    private Verdict upperLayer(Flow flow, LayerSet l) {
        if (facts.isTcp()) {
            if (flow == null || (facts.payloadLength == 0 && (facts.tcpFlags & TcpHeader.FIN) == 0)) {
                return Verdict.PERMIT;
            }
            setDirection(flow.initiatorDirection());
            return classify(l.stream, 0);
        }
        setDirection(facts.direction); // at DATAGRAM_DATA the direction is the packet's (check 56)
        return classify(l.datagramData, 0);
    }

    private void setDirection(Direction d) {
        in.setUint32(Field.DIRECTION,
                d == Direction.OUTBOUND ? io.calloutd.engine.Direction.OUTBOUND : io.calloutd.engine.Direction.INBOUND);
    }

    private boolean isPortUnreachable() {
        return facts.version == 4 ? facts.icmpType == 3 && facts.icmpCode == 3 : facts.icmpType == 1 && facts.icmpCode == 4;
    }

    /**
     * True if this outbound RST answers an inbound SYN the protected host never accepted and a BLOCK at
     * INBOUND_TRANSPORT_DISCARD asks to suppress it.
     */
    private boolean closedPortReset(ParsedPacket p, LayerSet l) {
        Flow f = flows.lookup(p);
        if (f == null || f.initiatorDirection() != Direction.INBOUND || f.state() != FlowState.TCP_SYN_SENT) {
            return false;
        }
        // The SYN's own values: same tuple from the local side; only the TCP flags differ.
        in.setUint8(Field.TCP_FLAGS, TcpHeader.SYN);
        Verdict v = discard(l.inboundTransport.discardTwin(), DiscardReason.TRANSPORT_ENDPOINT_NOT_FOUND, false);
        in.setUint8(Field.TCP_FLAGS, facts.tcpFlags);
        return v == Verdict.BLOCK;
    }

    /** Indicates the packet a closed port refused at a discard layer; values of the quoted datagram if asked. */
    private Verdict discard(Layer layer, DiscardReason reason, boolean quoted) {
        IncomingValues values = in;
        if (quoted) {
            values = quotedIn;
            ValueFiller.fillQuoted(values, facts, interfaceIndex);
        }
        meta.discardReason = reason;
        ctx.discardReason(reason);
        ctx.layerData(layerData.at(layer));
        ctx.flow(null);
        Verdict v = engine.classify(layer, values, ctx, result);
        notifyObserver(layer, 0, values, meta);
        ctx.discardReason(null);
        meta.discardReason = null;
        return v;
    }

    private Verdict classify(Layer layer, int flags) {
        in.setUint32(Field.FLAGS, flags);
        ctx.layerData(layerData.at(layer));
        Flow f = indicationFlow;
        ctx.flow(f);
        io.calloutd.metrics.LayerTimings t = timings;
        long start = t != null && (++classifications & timingMask) == 0 ? System.nanoTime() : 0;
        Verdict v;
        if (f == null) {
            v = engine.classify(layer, in, ctx, result);
        } else {
            // Context removals and flow-end deletes wait until the callouts of this indication returned (§2.6).
            flows.beginClassify(f);
            try {
                v = engine.classify(layer, in, ctx, result);
            } finally {
                flows.endClassify(f);
            }
        }
        if (start != 0) {
            t.record(layer, System.nanoTime() - start);
        }
        notifyObserver(layer, flags, in, meta);
        return v;
    }

    private void notifyObserver(Layer layer, int flags, IncomingValues values, PacketMetadata m) {
        ClassificationObserver o = observer;
        if (o == null) {
            return;
        }
        o.classified(layer, flags, values, result, m);
        if (result.discardVerdict() != null) {
            o.classified(layer.discardTwin(), flags, values, result, m);
        }
    }

    private void report(NetEventType type) {
        NetEventSink sink = engine.config().netEvents();
        if (sink.accepts(type)) {
            sink.onEvent(new NetEvent(System.currentTimeMillis(), type, result.layer(), result.filterId(),
                    result.reason(), 0, in.describe()));
        }
    }

    /** Ends every flow (ENDPOINT_CLOSURE and flowDelete run for each). */
    @Override
    public void close() {
        flows.close();
    }
}
