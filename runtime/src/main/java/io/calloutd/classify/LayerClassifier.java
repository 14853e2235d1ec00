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
import io.calloutd.pipeline.PacketOutput;
import io.calloutd.pipeline.PacketResumer;
import io.calloutd.pipeline.VerdictHook;
import io.calloutd.redirect.RedirectCounters;
import io.calloutd.redirect.RedirectRecords;
import io.calloutd.redirect.RedirectRegistry;
import io.calloutd.redirect.RedirectStage;
import io.calloutd.stream.StreamConfig;
import io.calloutd.stream.StreamCounters;
import io.calloutd.stream.StreamLayer;
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
 *   <li>Callouts may pend ALE classifications (§5, {@link io.calloutd.callout.ClassifyHandle}): the packet is held in
 *       {@link PendingOperations} and walks on from the pended layer when the completion reaches this thread
 *       (see {@link #pending}); the ALE steps live in {@link AleAuthorizer}.</li>
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
    private final Indication ind;
    private final AleAuthorizer aleAuthorizer;
    private final PacketFacts facts = new PacketFacts();
    private final PacketMetadata meta = new PacketMetadata();
    private final FlowEvent event = new FlowEvent();
    private final MulticastWindows multicast = new MulticastWindows(64);
    private final LayerDataView layerData;
    private RedirectStage redirects = new RedirectStage(new RedirectRegistry(), new RedirectCounters());
    /** The packet being walked (the redirect step rewrites it in place). */
    private ParsedPacket packet;
    private final PendingOperations pending;
    /** The pend whose held packet is being walked again after its completion (§5), else null. */
    private PendEntry resuming;
    /** Tag of the injected packet being walked (§4.3), else null. */
    private InjectionTag injectionTag;
    private volatile ClassificationObserver observer;
    private LongSupplier clock = System::nanoTime;
    private java.util.function.BooleanSupplier segmentSuperFrames = () -> false;
    private long nextExpireNanos;
    /** The stream layer: TCP connections a STREAM callout filter matches go through it (§6). */
    private final StreamLayer stream;
    /** Set by {@link #upperLayer} when the segment belongs to an engaged connection: it goes to the stream last. */
    private Flow streamFlow;

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
        this.pending = new PendingOperations(engine, counters, PendingOperations.DEFAULT_CAPACITY);
        EndpointClosures closures = new EndpointClosures(engine, counters, interfaceIndex,
                contextListener == null ? FlowDeleteListener.NONE : contextListener, () -> observer, pending);
        this.flows = new FlowTable(flowConfig, closures);
        pending.wire(flows, closures);
        this.layerData = new LayerDataView(interfaceIndex);
        this.ind = new Indication(engine, in, ctx, result, meta, layerData, () -> observer);
        ind.flows = flows;
        this.aleAuthorizer = new AleAuthorizer(ind, flows, counters, event, pending);
        ctx.metadata(meta);
        ctx.classifyHandle(pending);
        aleAuthorizer.redirect = new AleAuthorizer.RedirectStep() {
            @Override public void begin(Flow flow) { redirects.begin(flow, packet); }
            @Override public Object bindRequest() { return redirects.bindRequest(); }
            @Override public Object connectRequest() { return redirects.connectRequest(); }
            @Override public boolean apply(Flow flow) {
                RedirectStage.Outcome o = redirects.apply(flow, flows, packet);
                if (o == RedirectStage.Outcome.REDIRECTED) {
                    refill(flow); // AUTH_CONNECT and the later layers see the redirected conversation
                }
                return o != RedirectStage.Outcome.REFUSED;
            }
            @Override public int redirectedFlags(Flow flow) { return LayerClassifier.this.redirectedFlags(flow); }
        };
        this.stream = new StreamLayer(engine, StreamConfig.DEFAULTS, new StreamCounters(),
                io.netty.buffer.PooledByteBufAllocator.DEFAULT);
        stream.flowTable(flows);
        stream.classifyHandle(pending);
    }

    /** This thread's stream layer (its counters, and the {@link io.calloutd.stream.StreamControl} callouts use). */
    public StreamLayer stream() {
        return stream;
    }

    @Override
    public void attachOutput(PacketOutput output) {
        stream.output(output);
    }

    @Override
    public void packetThread(java.util.concurrent.Executor executor) {
        stream.packetThread(executor);
    }

    /**
     * Shares a redirect registry and counters with the other packet threads and the proxies' query path (§3.5).
     * Default: a private registry.
     */
    public void redirects(RedirectRegistry registry, RedirectCounters counters) {
        this.redirects = new RedirectStage(registry, counters);
    }

    /** This thread's redirect step (its registry answers original-destination queries). */
    public RedirectStage redirects() {
        return redirects;
    }

    /** Installs (or with null removes) the observer that sees every classification. */
    public void observer(ClassificationObserver o) {
        this.observer = o;
    }

    /** Times one classification in {@code t.sampleEvery()} into {@code t} (null: no timing). */
    public void timings(io.calloutd.metrics.LayerTimings t) {
        ind.timings(t);
    }

    /** Replaces the monotonic clock (nanoseconds) that drives flow timeouts and multicast windows; for tests. */
    public void clock(LongSupplier nanoClock) {
        this.clock = nanoClock;
        pending.clock(nanoClock);
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

    /**
     * Enables pending (§5): pended packets go back to the data path through {@code resumer} (the pipeline) and
     * completions made on other threads reach this packet thread through {@code packetThread} (the event loop's
     * {@code execute}; without one they wait for the next packet). Without a resumer callouts get TCPIP_NOT_READY.
     */
    public void pending(PacketResumer resumer, java.util.concurrent.Executor packetThread) {
        pending.resumer(resumer);
        pending.packetThread(packetThread);
    }

    /** How long a pended classification may stay uncompleted before it is released (default 10 s). */
    public void pendTimeout(java.time.Duration timeout) {
        pending.timeoutNanos(timeout.toNanos());
    }

    /**
     * How many classifications this thread may hold pended at once (default 1024); further pend requests get
     * INSUFFICIENT_RESOURCES and are counted ({@link ClassifierCounters#pendTableFull()}). Set before traffic flows.
     */
    public void pendCapacity(int n) {
        pending.capacity(n);
    }

    /** Pended classifications of this thread not yet completed (approximate off the packet thread). */
    public int pendedCount() {
        return pending.size();
    }

    /** Packet thread: processes waiting completions and releases timed-out pends now (normally done per packet). */
    public void runPending() {
        pending.drain();
        pending.expire(clock.getAsLong());
    }

    @Override
    public boolean needsSegments(ParsedPacket superFrame, Direction direction) {
        return segmentSuperFrames.getAsBoolean();
    }

    /** While callouts are registered (the same condition as {@link #needsSegments}): they rewrite and copy packets. */
    @Override
    public boolean needsCompleteChecksums() {
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
            stream.sweep();
            if (pending.size() > 0) {
                pending.expire(now);
            }
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
    public Verdict decideResumed(ParsedPacket p, Direction d, Object token) {
        resuming = token instanceof PendEntry e ? e : null;
        try {
            return classifyPacket(p, d, false);
        } finally {
            resuming = null;
        }
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
        if (pending.hasCompletions()) {
            pending.drain(); // a completion made before this injection is processed first (RECV_ACCEPT + clone, §5.1)
        }
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
        if (pending.hasCompletions()) {
            pending.drain();
        }
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
        meta.originalDestination = null;
        meta.localRedirectTargetPid = 0;
        packet = p;
        ctx.clear();
        ctx.metadata(meta);
        layerData.packet(p, d, injectionTag);
        pending.indication(p, d);
        ind.flow = null;
        streamFlow = null;
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
        if (flow != null && flow.redirect() != null && RedirectStage.outbound(flow, p)) {
            refill(flow); // the layers see the redirected conversation (as WFP's stack does)
        }
        ind.flow = flow;
        try {
            Verdict ale = aleAuthorizer.ale(flow, l, Direction.OUTBOUND, resuming);
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
            ind.flow = null; // the transport and IP packet layers carry no flow
        }
        Verdict v = transportAndPacket(l.outboundTransport, l.outboundIpPacket);
        // An engaged connection's segment reaches the stream after its packet layers: what the stream emits is
        // rebuilt from it and not indicated at the packet layers again (§6.7).
        return v == Verdict.PERMIT && streamFlow != null ? stream.segment(streamFlow, p, Direction.OUTBOUND) : v;
    }

    private Verdict inbound(ParsedPacket p, long now, boolean reassembled) {
        LayerSet l = LayerSet.of(facts.version);
        if (resuming != null) { // the packet layers saw it before its RECV_ACCEPT was pended
            return inboundFlow(p, now, l);
        }
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
        boolean aleRequired = aleClassifyRequired(p);
        meta.aleClassifyRequired = aleRequired;
        layerData.aleClassifyRequired(aleRequired);
        Verdict transport = classify(l.inboundTransport, 0);
        meta.aleClassifyRequired = false;
        layerData.aleClassifyRequired(false);
        if (transport == Verdict.BLOCK) {
            return blocked();
        }
        if (!facts.isTcp() && !multicast.isEmpty()
                && multicast.admits(facts.localHigh, facts.localLow, facts.localPort, facts.protocol, now)
                && flows.lookup(p) == null) {
            // Admitted by the window an outbound multicast/broadcast opened; no flow of its own (check 57).
            setDirection(Direction.INBOUND);
            return classify(l.datagramData, 0) == Verdict.BLOCK ? blocked() : Verdict.PERMIT;
        }
        return inboundFlow(p, now, l);
    }

    /** True if this inbound packet opens a flow, so it will also be classified at AUTH_RECV_ACCEPT (§2.3). */
    private boolean aleClassifyRequired(ParsedPacket p) {
        if (facts.isTcp() && (facts.tcpFlags & (TcpHeader.SYN | TcpHeader.ACK)) != TcpHeader.SYN) {
            return false;
        }
        Flow f = flows.lookup(p);
        return f == null || f.authorizedGeneration() == Flow.NEVER_AUTHORIZED;
    }

    private Verdict inboundFlow(ParsedPacket p, long now, LayerSet l) {
        Flow flow = flows.track(p, Direction.INBOUND, now, event);
        ind.flow = flow;
        try {
            Verdict ale = aleAuthorizer.ale(flow, l, Direction.INBOUND, resuming);
            if (ale != Verdict.PERMIT) {
                return ale;
            }
            if (upperLayer(flow, l) == Verdict.BLOCK) {
                return blocked();
            }
            if (flow != null && flow.redirect() != null) {
                RedirectStage.inbound(flow, p); // delivered as from the original destination
            }
            // After the redirect translation: segments the stream layer rebuilds carry the translated tuple.
            return streamFlow != null ? stream.segment(streamFlow, p, Direction.INBOUND) : Verdict.PERMIT;
        } finally {
            ind.flow = null;
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

    /** IS_CONNECTION_REDIRECTED (and the metadata) at AUTH_CONNECT of a connect-redirected flow, else 0. */
    private int redirectedFlags(Flow flow) {
        RedirectRecords r = flow.redirect() == null ? null : RedirectStage.connectRecords(flow);
        if (r == null) {
            return 0;
        }
        meta.originalDestination = r.originalDestination();
        meta.localRedirectTargetPid = r.localRedirectTargetPid();
        return ConditionFlags.IS_CONNECTION_REDIRECTED;
    }

    /** Re-reads the facts and values of a packet the redirect step rewrote. */
    private void refill(Flow flow) {
        facts.read(packet, facts.direction);
        ValueFiller.fill(in, facts, interfaceIndex);
        in.setUint8(Field.FLOW_STATE, flow.state().ordinal());
    }

    /**
     * DATAGRAM_DATA for non-TCP flows, STREAM for TCP segments that carry data or a FIN (disconnect). A connection a
     * stream callout filter matches is engaged with the stream layer (all its later segments, with data or not, go
     * there); any other gets one STREAM classification per segment, as cheap as before.
     */
    private Verdict upperLayer(Flow flow, LayerSet l) {
        if (facts.isTcp()) {
            if (flow == null) {
                return Verdict.PERMIT;
            }
            if (flow.attachment() != null && stream.isEngaged(flow)) {
                streamFlow = flow;
                return Verdict.PERMIT;
            }
            if (facts.payloadLength == 0 && (facts.tcpFlags & TcpHeader.FIN) == 0) {
                return Verdict.PERMIT;
            }
            setDirection(flow.initiatorDirection());
            if (stream.engage(flow, l.stream, in)) {
                streamFlow = flow;
                return Verdict.PERMIT;
            }
            return classify(l.stream, 0);
        }
        setDirection(facts.direction); // at DATAGRAM_DATA the direction is the packet's (check 56)
        return classify(l.datagramData, 0);
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
        ind.notifyObserver(layer, 0, values, meta);
        ctx.discardReason(null);
        meta.discardReason = null;
        return v;
    }

    private Verdict classify(Layer layer, int flags) {
        return ind.classify(layer, flags);
    }

    private void setDirection(Direction d) {
        ind.setDirection(d);
    }

    /** Ends every flow (ENDPOINT_CLOSURE and flowDelete run for each). */
    @Override
    public void close() {
        pending.close();
        flows.close();
        stream.close();
    }
}
