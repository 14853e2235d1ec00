package io.calloutd.redirect;

import io.calloutd.flow.Flow;
import io.calloutd.flow.FlowTable;
import io.calloutd.packet.ParsedPacket;

/**
 * The classifier's redirect step for one packet thread (§1.7: BIND_REDIRECT → CONNECT_REDIRECT on a new outbound
 * flow). {@link #begin} prepares the writable requests from the flow's first packet, the classifier indicates them
 * at the two redirect layers, and {@link #apply} turns an applied modification into the flow's
 * {@link FlowTranslation}: an alias in the flow table for the wire tuple, the records published for proxies, the
 * first packet rewritten. Afterwards {@link #outbound}/{@link #inbound} rewrite the flow's packets. Reuses its
 * requests; allocates only when a flow is actually redirected.
 */
public final class RedirectStage {
    /** What {@link #apply} did. */
    public enum Outcome {
        /** Nothing was modified: the flow is not translated. */
        NONE,
        /** The flow is translated; the packet was rewritten. */
        REDIRECTED,
        /** The modification cannot be carried out (tuple taken, table full, protocol): refuse the flow. */
        REFUSED
    }

    private final RedirectRegistry registry;
    private final RedirectCounters counters;
    private final BindRequest bind = new BindRequest();
    private final ConnectRequest connect = new ConnectRequest();

    /**
     * @param registry shared with the other packet threads and the proxies' query path
     * @param counters shared counters
     */
    public RedirectStage(RedirectRegistry registry, RedirectCounters counters) {
        this.registry = registry;
        this.counters = counters;
    }

    /** The registry proxies query. */
    public RedirectRegistry registry() { return registry; }

    /** The counters. */
    public RedirectCounters counters() { return counters; }

    /** Prepares both requests for a new outbound flow whose first packet is {@code p} (local = the packet's source). */
    public void begin(Flow flow, ParsedPacket p) {
        int v = flow.ipVersion();
        long lh = flow.initiatorAddressHigh(), ll = flow.initiatorAddressLow();
        long rh = flow.responderAddressHigh(), rl = flow.responderAddressLow();
        int lp = flow.initiatorPort(), rp = flow.responderPort();
        RedirectRecords carried = null;
        if (registry.hasAttachments()) {
            carried = registry.take(new RedirectRegistry.Tuple(flow.protocol(),
                    Addresses.socket(v, lh, ll, lp), Addresses.socket(v, rh, rl, rp)));
            if (carried != null) {
                counters.recordsCarried.increment();
            }
        }
        bind.begin(v, flow.protocol(), lh, ll, lp, rh, rl, rp, registry);
        connect.begin(v, flow.protocol(), lh, ll, lp, rh, rl, rp, registry, carried);
    }

    /** The layer data for ALE_BIND_REDIRECT. */
    public BindRequest bindRequest() { return bind; }

    /** The layer data for ALE_CONNECT_REDIRECT (showing the local endpoint an applied bind redirect chose). */
    public ConnectRequest connectRequest() {
        if (bind.isModified()) {
            connect.local(bind.localHigh, bind.localLow, bind.localPort);
        }
        return connect;
    }

    /**
     * After both redirect layers: if a request was modified, attaches the translation to {@code flow} (alias in
     * {@code flows}, records published) and rewrites {@code p}.
     */
    public Outcome apply(Flow flow, FlowTable flows, ParsedPacket p) {
        if (!bind.isModified() && !connect.isModified()) {
            return Outcome.NONE;
        }
        if (!Ports.supported(flow.protocol())) {
            counters.unsupported.increment();
            return Outcome.REFUSED;
        }
        if (!flows.alias(flow, bind.localHigh, bind.localLow, bind.localPort,
                connect.remoteHigh, connect.remoteLow, connect.remotePort)) {
            counters.conflicts.increment();
            return Outcome.REFUSED;
        }
        int v = flow.ipVersion();
        RedirectRegistry.Tuple wire = new RedirectRegistry.Tuple(flow.protocol(),
                Addresses.socket(v, bind.localHigh, bind.localLow, bind.localPort),
                Addresses.socket(v, connect.remoteHigh, connect.remoteLow, connect.remotePort));
        long handle = connect.isModified() ? connect.modifierHandleId : bind.modifierHandleId;
        long filter = connect.isModified() ? connect.modifierFilterId : bind.modifierFilterId;
        RedirectRecords records = new RedirectRecords(handle, filter, flow.protocol(),
                Addresses.socket(v, bind.origLocalHigh, bind.origLocalLow, bind.origLocalPort),
                connect.originalRemoteAddressAndPort(), wire.local(), wire.remote(), connect.targetPid,
                connect.context, connect.carried);
        FlowTranslation t = new FlowTranslation(bind, connect, records, registry, wire, counters);
        flow.redirect(t);
        registry.activate(wire, records);
        counters.flowsRedirected.increment();
        t.outbound(p);
        return Outcome.REDIRECTED;
    }

    /** Rewrites an outbound packet of a translated flow; true if the packet changed (re-read its facts). */
    public static boolean outbound(Flow flow, ParsedPacket p) {
        return flow.redirect() instanceof FlowTranslation t && t.outbound(p);
    }

    /** Rewrites an inbound packet of a translated flow back to the original tuple; true if it changed. */
    public static boolean inbound(Flow flow, ParsedPacket p) {
        return flow.redirect() instanceof FlowTranslation t && t.inbound(p);
    }

    /** The translation's records if {@code flow} was connect-redirected (for AUTH_CONNECT), else null. */
    public static RedirectRecords connectRecords(Flow flow) {
        return flow.redirect() instanceof FlowTranslation t && t.connectRedirected() ? t.records() : null;
    }

    /** Withdraws an ended flow's records from the registry. */
    public static void flowEnded(Flow flow) {
        if (flow.redirect() instanceof FlowTranslation t) {
            t.ended();
        }
    }
}
