package io.calloutd.callouts.basicinjection;

import io.calloutd.callout.AddressFamily;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutStatus;
import io.calloutd.callout.DeferredWork;
import io.calloutd.callout.InjectionCompletion;
import io.calloutd.callout.InjectionHandle;
import io.calloutd.callout.Injector;
import io.calloutd.callout.PacketClone;
import io.calloutd.callout.PacketView;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.ConditionFlags;
import io.calloutd.engine.Direction;
import io.calloutd.engine.Field;
import io.calloutd.engine.Filter;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * WFPSampler BASIC_PACKET_INJECTION (§7.5): classify → WRITE? → injection state → clone → BLOCK + ABSORB → reinject
 * the unchanged clone → free it in the completion. Injection function per layer (§4.2):
 * <table>
 *   <caption>layer → injection</caption>
 *   <tr><td>INBOUND_IPPACKET</td><td>network receive (from the IP header, arrival interface)</td></tr>
 *   <tr><td>OUTBOUND_IPPACKET</td><td>network send</td></tr>
 *   <tr><td>INBOUND_TRANSPORT, DATAGRAM_DATA inbound</td><td>transport receive (from the IP header)</td></tr>
 *   <tr><td>OUTBOUND_TRANSPORT, DATAGRAM_DATA outbound</td><td>transport send (from the transport header)</td></tr>
 * </table>
 * The reinjected clone is classified again at the layer, recognised as INJECTED_BY_SELF and permitted: every packet
 * is classified exactly twice there (check 72). Left alone (permitted, counted): other layers, fragments and
 * reassembled datagrams (the sample leaves fragment groups alone), packets another callout already decided
 * (WRITE absent). If an injection fails synchronously the original is permitted instead (nothing is lost).
 */
public final class BasicInjectionCallout implements CalloutInstance {
    private enum How { NONE, NETWORK_RECEIVE, NETWORK_SEND, TRANSPORT_RECEIVE, TRANSPORT_SEND }

    private static final How[] BY_LAYER = new How[Layer.values().length];

    static {
        java.util.Arrays.fill(BY_LAYER, How.NONE);
        BY_LAYER[Layer.INBOUND_IPPACKET_V4.ordinal()] = How.NETWORK_RECEIVE;
        BY_LAYER[Layer.INBOUND_IPPACKET_V6.ordinal()] = How.NETWORK_RECEIVE;
        BY_LAYER[Layer.OUTBOUND_IPPACKET_V4.ordinal()] = How.NETWORK_SEND;
        BY_LAYER[Layer.OUTBOUND_IPPACKET_V6.ordinal()] = How.NETWORK_SEND;
        BY_LAYER[Layer.INBOUND_TRANSPORT_V4.ordinal()] = How.TRANSPORT_RECEIVE;
        BY_LAYER[Layer.INBOUND_TRANSPORT_V6.ordinal()] = How.TRANSPORT_RECEIVE;
        BY_LAYER[Layer.OUTBOUND_TRANSPORT_V4.ordinal()] = How.TRANSPORT_SEND;
        BY_LAYER[Layer.OUTBOUND_TRANSPORT_V6.ordinal()] = How.TRANSPORT_SEND;
        // DATAGRAM_DATA is bidirectional: resolved per packet.
    }

    private final boolean deferred;
    private final DeferredWork work;
    private final InjectionHandle v4, v6;
    private final InjectionCompletion completion = this::completed;

    private final LongAdder originals = new LongAdder(), selfInjected = new LongAdder(), injected = new LongAdder();
    private final LongAdder injectFailures = new LongAdder(), completionFailures = new LongAdder();
    private final LongAdder leftAlone = new LongAdder(), noWriteRight = new LongAdder(), queueFull = new LongAdder();
    private final AtomicLong inFlight = new AtomicLong();
    private final LongAdder[] originalsByLayer = new LongAdder[Layer.values().length];

    /**
     * @param deferred true to inject from a worker always
     * @param injector creates the two network+transport handles (one per family, §4.1)
     * @param work     worker pool for {@code deferred}
     */
    public BasicInjectionCallout(boolean deferred, Injector injector, DeferredWork work) {
        this.deferred = deferred;
        this.work = work;
        int flags = InjectionHandle.NETWORK | InjectionHandle.TRANSPORT;
        this.v4 = injector.createHandle(AddressFamily.INET, flags);
        this.v6 = injector.createHandle(AddressFamily.INET6, flags);
        for (int i = 0; i < originalsByLayer.length; i++) originalsByLayer[i] = new LongAdder();
    }

    @Override
    public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
        PacketView v = ctx.layerData() instanceof PacketView p ? p : null;
        InjectionHandle h = v == null || v.ipVersion() == 4 ? v4 : v6;
        if (v != null && h.state(v).isSelf()) {
            selfInjected.increment();
            if (out.hasWriteRight()) out.permit();
            return;
        }
        if (!out.hasWriteRight()) {
            noWriteRight.increment();
            return;
        }
        How how = how(ctx.layer(), v);
        if (how == How.NONE || (in.low(Field.FLAGS) & (ConditionFlags.IS_FRAGMENT | ConditionFlags.IS_REASSEMBLED)) != 0
                || isFragment(v)) {
            leftAlone.increment();
            out.permit();
            return;
        }
        PacketClone c = v.clone();
        if (how == How.NETWORK_RECEIVE || how == How.NETWORK_SEND || how == How.TRANSPORT_RECEIVE) {
            c.retreat(c.dataOffset()); // these start at the IP header
        }
        inFlight.incrementAndGet();
        boolean started = deferred ? work.submit(() -> injectLater(h, how, c)) : inject(h, how, c);
        if (!started) {
            if (deferred) {
                queueFull.increment();
                release(c);
            }
            out.permit(); // could not take the packet over: let the original through instead
            return;
        }
        originals.increment();
        originalsByLayer[ctx.layer().ordinal()].increment();
        out.block();
        out.setAbsorb();
    }

    private static How how(Layer layer, PacketView v) {
        if (v == null) return How.NONE;
        if (layer == Layer.DATAGRAM_DATA_V4 || layer == Layer.DATAGRAM_DATA_V6) {
            return v.direction() == Direction.INBOUND ? How.TRANSPORT_RECEIVE : How.TRANSPORT_SEND;
        }
        return BY_LAYER[layer.ordinal()];
    }

    /** An IPv4 fragment (MF or offset set) or an IPv6 packet with a fragment header. */
    private static boolean isFragment(PacketView v) {
        int back = v.dataOffset();
        v.retreat(back); // to the IP header, put back below (§2.2)
        try {
            if (v.ipVersion() == 4) return (v.getUnsignedShort(6) & 0x3FFF) != 0;
            return v.transportProtocol() == 44;
        } finally {
            v.advance(back);
        }
    }

    /** Injects {@code c}; false (clone freed, counted) if the call failed synchronously. */
    private boolean inject(InjectionHandle h, How how, PacketClone c) {
        CalloutStatus s = switch (how) {
            case NETWORK_RECEIVE -> h.injectNetworkReceive(c, c.interfaceIndex(), c.subInterfaceIndex(), null, completion);
            case NETWORK_SEND -> h.injectNetworkSend(c, null, completion);
            case TRANSPORT_RECEIVE -> h.injectTransportReceive(c, c.interfaceIndex(), c.subInterfaceIndex(), null, completion);
            case TRANSPORT_SEND -> h.injectTransportSend(c, null, null, completion);
            default -> CalloutStatus.INVALID_PARAMETER;
        };
        if (s == CalloutStatus.SUCCESS) {
            injected.increment();
            return true;
        }
        injectFailures.increment();
        release(c);
        return false;
    }

    /** Worker: the original is already absorbed, so a failure here loses the packet (counted). */
    private void injectLater(InjectionHandle h, How how, PacketClone c) {
        inject(h, how, c);
    }

    private void completed(Object context, PacketClone c, CalloutStatus status) {
        if (status != CalloutStatus.SUCCESS) completionFailures.increment();
        release(c);
    }

    private void release(PacketClone c) {
        c.free();
        inFlight.decrementAndGet();
    }

    /** Originals taken over (blocked, absorbed and reinjected) at {@code layer}. */
    public long originals(Layer layer) { return originalsByLayer[layer.ordinal()].sum(); }

    /** Clones injected and not yet completed. */
    public long inFlight() { return inFlight.get(); }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", deferred ? "deferred" : "inline");
        m.put("originals", originals.sum());
        m.put("selfInjected", selfInjected.sum());
        m.put("injected", injected.sum());
        m.put("injectFailures", injectFailures.sum());
        m.put("completionFailures", completionFailures.sum());
        m.put("leftAlone", leftAlone.sum());
        m.put("noWriteRight", noWriteRight.sum());
        m.put("queueFull", queueFull.sum());
        m.put("inFlight", inFlight.get());
        Map<String, Long> perLayer = new LinkedHashMap<>();
        for (Layer l : Layer.values()) {
            long n = originalsByLayer[l.ordinal()].sum();
            if (n > 0) perLayer.put(l.name(), n);
        }
        m.put("originalsByLayer", perLayer);
        return m;
    }

    @Override
    public void close() {
        v4.destroy();
        v6.destroy();
    }
}
