package io.calloutd.callouts.ddproxy;

import io.calloutd.callout.AddressFamily;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutServices;
import io.calloutd.callout.CalloutStatus;
import io.calloutd.callout.DeferredWork;
import io.calloutd.callout.FlowAssociation;
import io.calloutd.callout.FlowDeleteFunction;
import io.calloutd.callout.InjectionHandle;
import io.calloutd.callout.PacketReference;
import io.calloutd.callout.PacketView;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Direction;
import io.calloutd.engine.Field;
import io.calloutd.engine.Filter;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import io.calloutd.packet.IpProtocols;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ddproxy sample (§7.2): a transparent UDP (or ICMP echo) destination proxy by out-of-band modification.
 * Datagrams the protected host sends to A:Pa leave as sent to B:Pb; B's replies are delivered as from A:Pa.
 *
 * <ul>
 *   <li>ALE_FLOW_ESTABLISHED, outbound flow to A(:Pa): associates an ORIGINAL context for DATAGRAM_DATA; outbound flow
 *       to B(:Pb) — the one our own injection creates — a PROXY context (the sample's two filters, told apart here by
 *       the remote endpoint).</li>
 *   <li>DATAGRAM_DATA: permits self-injected packets; an outbound datagram of an ORIGINAL flow or an inbound one of a
 *       PROXY flow is referenced (intent to modify), BLOCK+ABSORB, and handed to a worker, which deep-copies it,
 *       releases the reference, rewrites it and injects it: transport send to B (port Pb), or transport receive with
 *       source A:Pa. Checksums are updated, never zeroed (IPv6 needs them).</li>
 *   <li>flowDelete frees the context; a worker drops packets of a flow deleted meanwhile (counted).</li>
 * </ul>
 * Filters (policy file): ALE_FLOW_ESTABLISHED and DATAGRAM_DATA of A's family, CALLOUT_TERMINATING, with conditions
 * selecting the protocol (and, as in the sample, remote A/B and direction at DATAGRAM_DATA). The sample registers
 * two callouts, the DATAGRAM_DATA one CONDITIONAL_ON_FLOW; here one instance serves both layers, so it is not flagged
 * (the flag would skip it at FLOW_ESTABLISHED, where no context exists yet) and checks for its context itself.
 */
public final class DdProxy implements CalloutInstance {
    private final DdProxyConfig config;
    private final long aHigh, aLow, bHigh, bLow;
    private final Layer flowLayer, datagramLayer;
    private final InjectionHandle handle;
    private final DeferredWork work;
    private final DdProxyWorker worker;
    private final ContextSlots<ProxyFlow> contexts = new ContextSlots<>(65536);
    final AtomicLong originalFlows = new AtomicLong(), proxyFlows = new AtomicLong(), associationFailures = new AtomicLong();
    final AtomicLong absorbed = new AtomicLong(), selfInjected = new AtomicLong(), queueFull = new AtomicLong();

    DdProxy(DdProxyConfig config, CalloutServices services) {
        this.config = config;
        this.aHigh = Addr.high(config.a());
        this.aLow = Addr.low(config.a());
        this.bHigh = Addr.high(config.b());
        this.bLow = Addr.low(config.b());
        boolean v6 = config.version() == 6;
        this.flowLayer = v6 ? Layer.ALE_FLOW_ESTABLISHED_V6 : Layer.ALE_FLOW_ESTABLISHED_V4;
        this.datagramLayer = v6 ? Layer.DATAGRAM_DATA_V6 : Layer.DATAGRAM_DATA_V4;
        this.handle = services.injector().createHandle(v6 ? AddressFamily.INET6 : AddressFamily.INET, InjectionHandle.TRANSPORT);
        this.work = services.deferredWork();
        this.worker = new DdProxyWorker(config, handle);
    }

    @Override
    public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
        Layer l = ctx.layer();
        if (l == flowLayer) {
            flowEstablished(in, ctx, out);
        } else if (l == datagramLayer) {
            datagram(ctx, out);
        }
    }

    private void flowEstablished(IncomingValues in, ClassifyContext ctx, ClassifyOut out) {
        int proto = (int) in.low(Field.IP_PROTOCOL);
        boolean ours = config.udp() ? proto == IpProtocols.UDP : proto == IpProtocols.ICMP || proto == IpProtocols.ICMPV6;
        if (!ours || in.low(Field.DIRECTION) != Direction.OUTBOUND) {
            return;
        }
        long rh = in.high(Field.IP_REMOTE_ADDRESS), rl = in.low(Field.IP_REMOTE_ADDRESS);
        int rp = config.udp() ? (int) in.low(Field.IP_REMOTE_PORT) : 0;
        int kind = rh == aHigh && rl == aLow && (!config.udp() || rp == config.pa()) ? ProxyFlow.ORIGINAL
                : rh == bHigh && rl == bLow && (!config.udp() || rp == config.pb()) ? ProxyFlow.PROXY : 0;
        if (kind == 0) {
            return;
        }
        long c = contexts.add(new ProxyFlow(kind, proto));
        if (c == 0 || FlowAssociation.associate(ctx, datagramLayer, c) != CalloutStatus.SUCCESS) {
            if (c != 0) {
                contexts.remove(c);
            }
            associationFailures.incrementAndGet();
            if (out.hasWriteRight()) {
                out.block(); // as the sample: no context, no proxying (reported as a policy warning here)
            }
            return;
        }
        (kind == ProxyFlow.ORIGINAL ? originalFlows : proxyFlows).incrementAndGet();
        if (out.hasWriteRight()) {
            out.permit();
        }
    }

    private void datagram(ClassifyContext ctx, ClassifyOut out) {
        ProxyFlow flow = contexts.get(ctx.flowContext());
        if (flow == null || !(ctx.layerData() instanceof PacketView v) || !out.hasWriteRight()) {
            return;
        }
        if (handle.state(v).isSelf()) {
            selfInjected.incrementAndGet();
            out.permit();
            return;
        }
        boolean outbound = v.direction() == Direction.OUTBOUND;
        if ((flow.kind == ProxyFlow.ORIGINAL) != outbound) {
            out.permit(); // the other direction of the flow is none of the proxy's business
            return;
        }
        PacketReference ref = v.reference(true);
        out.block();
        out.setAbsorb();
        absorbed.incrementAndGet();
        if (!work.submit(() -> worker.process(flow, ref))) {
            ref.release();
            queueFull.incrementAndGet(); // absorbed and dropped: counted
        }
    }

    @Override
    public FlowDeleteFunction flowDelete() {
        return (layerId, calloutId, context) -> {
            ProxyFlow f = contexts.remove(context);
            if (f != null) {
                f.deleted = true;
            }
        };
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("originalFlows", originalFlows.get());
        m.put("proxyFlows", proxyFlows.get());
        m.put("liveContexts", contexts.size());
        m.put("absorbed", absorbed.get());
        m.put("selfInjectedPermitted", selfInjected.get());
        m.put("queueFullDrops", queueFull.get());
        m.put("associationFailures", associationFailures.get());
        m.putAll(worker.status());
        return m;
    }

    @Override
    public void close() {
        handle.destroy();
    }
}
