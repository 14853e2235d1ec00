package io.calloutd.callout;

import io.calloutd.engine.Layer;
import io.netty.buffer.ByteBuf;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Creates injection handles and runs the inject functions (§4): validates handle, family and data start, tags the
 * packet, and hands it to the {@link InjectionTarget}. A TCP packet injected from inside a classify at any layer
 * above the IP packet layers is never injected on the classify stack (§4.6 P3, M-11, check 35): it is queued to
 * {@link DeferredWork} and injected from a worker.
 */
public final class Injector {
    private static final int TCP = 6;
    private final InjectionTarget target;
    private final DeferredWork deferred;
    private final AtomicLong nextHandle = new AtomicLong(1);
    private final AtomicLong deferredInjections = new AtomicLong();
    private final AtomicLong syncFailures = new AtomicLong();

    /**
     * @param target   the data path
     * @param deferred worker pool for deferred TCP injection
     */
    public Injector(InjectionTarget target, DeferredWork deferred) {
        this.target = Objects.requireNonNull(target);
        this.deferred = Objects.requireNonNull(deferred);
    }

    /**
     * FwpsInjectionHandleCreate: a handle for {@code family} and the {@link InjectionHandle} type flags (0 = transport,
     * stream and forward). Network injection needs INET or INET6.
     */
    public InjectionHandle createHandle(AddressFamily family, int flags) {
        return new InjectionHandle(nextHandle.getAndIncrement(), Objects.requireNonNull(family), flags, this);
    }

    /** Injections that were moved off the classify stack. */
    public long deferredInjections() { return deferredInjections.get(); }

    /** Injection calls that failed synchronously. */
    public long synchronousFailures() { return syncFailures.get(); }

    CalloutStatus submit(InjectionHandle h, InjectionType type, PacketClone p, int ifIndex, int subIfIndex,
                         TransportSendParams params, long flowId, Layer streamLayer, int streamFlags, Object ctx,
                         InjectionCompletion done) {
        CalloutStatus s = validate(h, type, p, done);
        if (s != CalloutStatus.SUCCESS) return fail(s);
        int start = type == InjectionType.STREAM || !type.startsAtIpHeader() ? p.dataOffset() : 0;
        ByteBuf data;
        try {
            data = p.retainedBytesFrom(start);
        } catch (IllegalStateException e) { // freed meanwhile
            return fail(CalloutStatus.INVALID_PARAMETER);
        }
        if (!h.begin()) {
            data.release();
            return fail(CalloutStatus.INJECT_HANDLE_CLOSING);
        }
        InjectedPacket packet = new InjectedPacket(type, h, data, p, ifIndex, subIfIndex, params, flowId, streamLayer,
                streamFlags, ctx, done);
        if (mustDefer(type, p)) {
            deferredInjections.incrementAndGet();
            if (deferred.submit(() -> deliverDeferred(packet))) return CalloutStatus.SUCCESS;
            packet.abort();
            return fail(CalloutStatus.INSUFFICIENT_RESOURCES);
        }
        CalloutStatus r = deliver(packet);
        if (r != CalloutStatus.SUCCESS) {
            packet.abort();
            return fail(r);
        }
        return CalloutStatus.SUCCESS;
    }

    private CalloutStatus validate(InjectionHandle h, InjectionType type, PacketClone p, InjectionCompletion done) {
        if (done == null) return CalloutStatus.NULL_POINTER;
        if (p == null || p.isFreed()) return CalloutStatus.INVALID_PARAMETER;
        if (h.isClosing()) return CalloutStatus.INJECT_HANDLE_CLOSING;
        if (!h.supports(type)) return CalloutStatus.INJECT_HANDLE_STALE;
        boolean network = type == InjectionType.NETWORK_SEND || type == InjectionType.NETWORK_RECEIVE;
        if (network && h.family() == AddressFamily.UNSPEC) return CalloutStatus.INJECT_HANDLE_STALE;
        if (type != InjectionType.STREAM && !h.family().admits(p.ipVersion())) return CalloutStatus.INJECT_HANDLE_STALE;
        if (type.startsAtIpHeader() && p.dataOffset() != 0) return CalloutStatus.INVALID_PARAMETER;
        if (type == InjectionType.TRANSPORT_SEND && p.dataOffset() != p.ipHeaderSize()) return CalloutStatus.INVALID_PARAMETER;
        // A packet that still has to pass AUTH_RECV_ACCEPT is injected from there, after a pend (§4.2, check 47).
        if (type == InjectionType.TRANSPORT_RECEIVE && p.aleClassifyRequired()) return CalloutStatus.REFUSED;
        return CalloutStatus.SUCCESS;
    }

    /** TCP (and stream data) injected while a classify above the IP packet layers runs on this thread. */
    private static boolean mustDefer(InjectionType type, PacketClone p) {
        ClassifyScope scope = ClassifyScope.current();
        if (!scope.active()) return false;
        Layer l = scope.layer();
        if (l == null) return true; // deeper than tracked: be safe
        String n = l.name();
        boolean ipLayer = n.contains("IPPACKET") || n.startsWith("IPFORWARD");
        return !ipLayer && (type == InjectionType.STREAM || p.transportProtocol() == TCP);
    }

    private CalloutStatus deliver(InjectedPacket packet) {
        try {
            CalloutStatus r = target.inject(packet);
            return r == null ? CalloutStatus.REFUSED : r;
        } catch (RuntimeException e) {
            return CalloutStatus.REFUSED;
        }
    }

    private void deliverDeferred(InjectedPacket packet) {
        CalloutStatus r = deliver(packet);
        // The caller already got SUCCESS, so a refusal now is an asynchronous failure: the completion reports it.
        if (r != CalloutStatus.SUCCESS) packet.complete(r);
    }

    private CalloutStatus fail(CalloutStatus s) {
        syncFailures.incrementAndGet();
        return s;
    }
}
