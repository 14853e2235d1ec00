package io.calloutd.callouts.inspect;

import io.calloutd.callout.AddressFamily;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutStatus;
import io.calloutd.callout.DeferredWork;
import io.calloutd.callout.InjectionCompletion;
import io.calloutd.callout.InjectionHandle;
import io.calloutd.callout.Injector;
import io.calloutd.callout.PacketClone;
import io.calloutd.callout.PacketView;
import io.calloutd.callouts.support.RemoteAddress;
import io.calloutd.classify.PacketMetadata;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Direction;
import io.calloutd.engine.Field;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterFlags;
import io.calloutd.engine.IncomingValues;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The WDK {@code inspect} sample on the TUN data path (§7.1). Per layer:
 * <ul>
 *   <li>every layer: WRITE absent → untouched; a packet this callout injected (INJECTED_BY_SELF or
 *       PREVIOUSLY_INJECTED_BY_SELF) → PERMIT, so a reinjected copy is classified again but never loops (check 31);
 *       a remote address other than {@code remoteAddress} → PERMIT untouched (in case a filter lacks the condition);</li>
 *   <li>ALE_AUTH_CONNECT: PERMIT, or with {@code blockTraffic} a hard BLOCK: the connect fails, no SYN leaves;</li>
 *   <li>ALE_AUTH_RECV_ACCEPT: PERMIT, or with {@code blockTraffic} BLOCK + ABSORB: the SYN / first datagram is
 *       dropped silently (no discard classify, no net event);</li>
 *   <li>OUTBOUND_TRANSPORT / INBOUND_TRANSPORT (TCP, UDP, non-error ICMP): clone, BLOCK + ABSORB with WRITE cleared,
 *       and hand the clone to a {@link DeferredWork} worker, which inspects it (counts it) and either reinjects it
 *       unchanged exactly once — transport send outbound, transport receive (from the IP header) inbound — or, with
 *       {@code blockTraffic}, frees it (silent drop).</li>
 * </ul>
 * <b>Difference from the sample:</b> the sample pends the connection at ALE_AUTH_CONNECT / RECV_ACCEPT and decides
 * on the worker. Pending is not available to config-instantiated callouts yet, so the connection verdict is taken
 * inline at the ALE layers and only packets go out of band. The observable results of §7.1 are the same.
 * While closing, classifies permit instead of queueing and queued packets are discarded (sample step 8).
 */
public final class InspectCallout implements CalloutInstance {
    private static final int ICMP = 1, ICMPV6 = 58;

    private final RemoteAddress remote;
    private final boolean block;
    private final DeferredWork work;
    private final InjectionHandle handle;
    private final InjectionCompletion completion = this::completed;
    private volatile boolean closed;

    private final LongAdder connectsPermitted = new LongAdder(), connectsBlocked = new LongAdder();
    private final LongAdder acceptsPermitted = new LongAdder(), acceptsDropped = new LongAdder();
    private final LongAdder selfPermitted = new LongAdder(), otherAddress = new LongAdder(), notInspected = new LongAdder(),
            aleClassifyRequired = new LongAdder();
    private final LongAdder closedPermitted = new LongAdder();
    private final LongAdder[] absorbed = {new LongAdder(), new LongAdder()};
    private final LongAdder[] reinjected = {new LongAdder(), new LongAdder()};
    private final LongAdder[] bytesInspected = {new LongAdder(), new LongAdder()};
    private final LongAdder blockedDrops = new LongAdder(), queueFullDrops = new LongAdder();
    private final LongAdder injectFailures = new LongAdder(), discardedAtClose = new LongAdder();
    private final AtomicLong inFlight = new AtomicLong();

    /**
     * @param remote   the inspected remote address
     * @param block    true to block its connections and packets
     * @param injector creates this callout's transport injection handle (AF_UNSPEC, as the sample)
     * @param work     the worker pool packets are inspected on
     */
    public InspectCallout(RemoteAddress remote, boolean block, Injector injector, DeferredWork work) {
        this.remote = remote;
        this.block = block;
        this.work = work;
        this.handle = injector.createHandle(AddressFamily.UNSPEC, InjectionHandle.TRANSPORT);
    }

    /** The injection handle (its id tags reinjected packets). */
    public InjectionHandle handle() { return handle; }

    @Override
    public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
        if (!out.hasWriteRight()) return; // another callout decided: do not pend, absorb or change the action (§3.2)
        PacketView v = ctx.layerData() instanceof PacketView p ? p : null;
        if (v != null && handle.state(v).isSelf()) {
            selfPermitted.increment();
            permit(filter, out);
            return;
        }
        if (closed) { // unloading: permit instead of queueing (sample step 8)
            closedPermitted.increment();
            out.permit();
            return;
        }
        if (!remote.matches(in, Field.IP_REMOTE_ADDRESS)) {
            otherAddress.increment();
            out.permit();
            return;
        }
        String layer = ctx.layer().name();
        if (layer.startsWith("ALE_AUTH_CONNECT")) {
            (block ? connectsBlocked : connectsPermitted).increment();
            if (block) out.block(); else permit(filter, out);
        } else if (layer.startsWith("ALE_AUTH_RECV_ACCEPT")) {
            (block ? acceptsDropped : acceptsPermitted).increment();
            if (block) {
                out.block();
                out.setAbsorb(); // silently: the peer sees nothing and retransmits (§7.1 table)
            } else {
                permit(filter, out);
            }
        } else if (layer.startsWith("INBOUND_TRANSPORT") && ctx.metadata() instanceof PacketMetadata m
                && m.aleClassifyRequired()) {
            // The packet opens a flow: it cannot be receive-injected from here; RECV_ACCEPT decides it (§5.2, check 47).
            aleClassifyRequired.increment();
            permit(filter, out);
        } else if ((layer.startsWith("OUTBOUND_TRANSPORT") || layer.startsWith("INBOUND_TRANSPORT"))
                && v != null && !isIcmpError(in, v)) {
            absorb(v, out);
        } else {
            notInspected.increment();
            permit(filter, out);
        }
    }

    private static void permit(Filter filter, ClassifyOut out) {
        out.permit();
        if ((filter.flags() & FilterFlags.CLEAR_ACTION_RIGHT) != 0) out.clearWriteRight();
    }

    /** ICMP errors are not inspected (the sample handles non-error ICMP only). */
    private static boolean isIcmpError(IncomingValues in, PacketView v) {
        int proto = v.transportProtocol();
        if (proto != ICMP && proto != ICMPV6) return false;
        int type = (int) in.low(Field.ICMP_TYPE);
        return proto == ICMP ? type == 3 || type == 4 || type == 5 || type == 11 || type == 12 : type < 128;
    }

    private void absorb(PacketView v, ClassifyOut out) {
        PacketClone c = v.clone();
        int dir = v.direction() == Direction.OUTBOUND ? Direction.OUTBOUND : Direction.INBOUND;
        inFlight.incrementAndGet();
        if (!work.submit(() -> inspect(c, dir))) {
            // Like the sample's allocation failure: a hard block without absorb (the packet is dropped, visibly).
            inFlight.decrementAndGet();
            c.free();
            queueFullDrops.increment();
            out.block();
            return;
        }
        absorbed[dir].increment();
        out.block();
        out.setAbsorb();
    }

    /** Worker: the out-of-band decision on one packet. */
    private void inspect(PacketClone c, int dir) {
        bytesInspected[dir].add(c.length());
        if (closed) {
            discardedAtClose.increment();
            release(c);
            return;
        }
        if (block) {
            blockedDrops.increment();
            release(c);
            return;
        }
        CalloutStatus s;
        if (dir == Direction.OUTBOUND) { // cloned at OUTBOUND_TRANSPORT: already at the transport header
            s = handle.injectTransportSend(c, null, null, completion);
        } else {
            c.retreat(c.dataOffset()); // transport receive injection starts at the IP header (§4.2)
            s = handle.injectTransportReceive(c, c.interfaceIndex(), c.subInterfaceIndex(), null, completion);
        }
        if (s == CalloutStatus.SUCCESS) {
            reinjected[dir].increment();
        } else { // the completion will not run: the clone is still ours
            injectFailures.increment();
            release(c);
        }
    }

    private void completed(Object context, PacketClone c, CalloutStatus status) {
        if (status != CalloutStatus.SUCCESS) injectFailures.increment();
        release(c);
    }

    private void release(PacketClone c) {
        c.free();
        inFlight.decrementAndGet();
    }

    /** Packets absorbed and not yet reinjected-and-completed or dropped. */
    public long inFlight() { return inFlight.get(); }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("remoteAddress", remote.toString());
        m.put("blockTraffic", block);
        m.put("connectsPermitted", connectsPermitted.sum());
        m.put("connectsBlocked", connectsBlocked.sum());
        m.put("acceptsPermitted", acceptsPermitted.sum());
        m.put("acceptsDropped", acceptsDropped.sum());
        m.put("absorbedOut", absorbed[Direction.OUTBOUND].sum());
        m.put("absorbedIn", absorbed[Direction.INBOUND].sum());
        m.put("reinjectedOut", reinjected[Direction.OUTBOUND].sum());
        m.put("reinjectedIn", reinjected[Direction.INBOUND].sum());
        m.put("bytesInspectedOut", bytesInspected[Direction.OUTBOUND].sum());
        m.put("bytesInspectedIn", bytesInspected[Direction.INBOUND].sum());
        m.put("selfInjectedPermitted", selfPermitted.sum());
        m.put("otherAddressPermitted", otherAddress.sum());
        m.put("notInspected", notInspected.sum());
        m.put("aleClassifyRequired", aleClassifyRequired.sum());
        m.put("permittedWhileClosed", closedPermitted.sum());
        m.put("blockedDrops", blockedDrops.sum());
        m.put("queueFullDrops", queueFullDrops.sum());
        m.put("injectFailures", injectFailures.sum());
        m.put("discardedAtClose", discardedAtClose.sum());
        m.put("inFlight", inFlight.get());
        return m;
    }

    @Override
    public void close() {
        closed = true;
        handle.destroy(); // refuses new injections; outstanding ones still complete and free their clones
    }
}
