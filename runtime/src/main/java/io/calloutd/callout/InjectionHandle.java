package io.calloutd.callout;

import io.calloutd.engine.Layer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An injection handle (FwpsInjectionHandleCreate, §4.1): the identity injected packets are tagged with, and the entry
 * point of the inject functions. All inject calls return synchronously: {@link CalloutStatus#SUCCESS} means the
 * completion routine will run exactly once later; any other status means it never runs and the clone is still the
 * caller's to free (§4.4).
 */
public final class InjectionHandle {
    /** Handle may do stream injection ({@code FWPS_INJECTION_TYPE_STREAM}). */
    public static final int STREAM = 0x1;
    /** Handle may do transport injection. */
    public static final int TRANSPORT = 0x2;
    /** Handle may do network injection (needs INET or INET6). */
    public static final int NETWORK = 0x4;
    /** Handle may do forward injection. */
    public static final int FORWARD = 0x8;

    private final long id;
    private final AddressFamily family;
    private final int flags;
    private final Injector injector;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong completionFailures = new AtomicLong();
    private final CompletableFuture<Void> destroyed = new CompletableFuture<>();
    private volatile boolean closing;

    InjectionHandle(long id, AddressFamily family, int flags, Injector injector) {
        this.id = id;
        this.family = family;
        this.flags = flags;
        this.injector = injector;
    }

    /** The handle id injected packets are tagged with. */
    public long id() { return id; }
    /** Address family. */
    public AddressFamily family() { return family; }
    /** Type flags given at creation (0 = transport, stream and forward). */
    public int flags() { return flags; }
    /** True once {@link #destroy()} was called. */
    public boolean isClosing() { return closing; }
    /** Injections started and not yet completed. */
    public int outstanding() { return outstanding.get(); }
    /** Completion routines that threw. */
    public long completionFailures() { return completionFailures.get(); }

    /** True if this handle may be used for {@code type} (§4.1). */
    public boolean supports(InjectionType type) {
        if (flags == 0) return type != InjectionType.NETWORK_SEND && type != InjectionType.NETWORK_RECEIVE;
        return (flags & type.handleFlag()) != 0;
    }

    /** Injection state of the packet in a view, relative to this handle (§4.3). */
    public InjectionState state(PacketView view) { return InjectionTag.stateFor(view == null ? null : view.injectionTag(), id); }

    /** Injection state of a clone's original, relative to this handle. */
    public InjectionState state(PacketClone clone) { return InjectionTag.stateFor(clone.injectionTag(), id); }

    /** The context this handle gave when it injected the packet in {@code view}, or null. */
    public Object injectionContext(PacketView view) { return InjectionTag.contextFor(view.injectionTag(), id); }

    /**
     * Destroys the handle: new injections fail with INJECT_HANDLE_CLOSING; the future completes when every outstanding
     * injection has completed (WFP's destroy waits; here the caller decides whether to wait).
     */
    public CompletableFuture<Void> destroy() {
        closing = true;
        if (outstanding.get() == 0) destroyed.complete(null);
        return destroyed;
    }

    /** Network send: data must start at the IP header. */
    public CalloutStatus injectNetworkSend(PacketClone p, Object ctx, InjectionCompletion done) {
        return injector.submit(this, InjectionType.NETWORK_SEND, p, 0, 0, null, 0, null, 0, ctx, done);
    }

    /** Network receive: data must start at the IP header; pass the original's arrival interface. */
    public CalloutStatus injectNetworkReceive(PacketClone p, int ifIndex, int subIfIndex, Object ctx, InjectionCompletion done) {
        return injector.submit(this, InjectionType.NETWORK_RECEIVE, p, ifIndex, subIfIndex, null, 0, null, 0, ctx, done);
    }

    /** Forward out of {@code destinationIfIndex}; no layer classifies the packet again. */
    public CalloutStatus injectForward(PacketClone p, int destinationIfIndex, Object ctx, InjectionCompletion done) {
        return injector.submit(this, InjectionType.FORWARD, p, destinationIfIndex, 0, null, 0, null, 0, ctx, done);
    }

    /** Transport send: data must start at the transport header; {@code params} null only for raw sends. */
    public CalloutStatus injectTransportSend(PacketClone p, TransportSendParams params, Object ctx, InjectionCompletion done) {
        return injector.submit(this, InjectionType.TRANSPORT_SEND, p, 0, 0, params, 0, null, 0, ctx, done);
    }

    /** Transport receive: data must start at the IP header (retreat ipHeaderSize + transportHeaderSize first). */
    public CalloutStatus injectTransportReceive(PacketClone p, int ifIndex, int subIfIndex, Object ctx, InjectionCompletion done) {
        return injector.submit(this, InjectionType.TRANSPORT_RECEIVE, p, ifIndex, subIfIndex, null, 0, null, 0, ctx, done);
    }

    /** Stream injection of payload bytes into flow {@code flowId} (the stream layer runtime is the target's job). */
    public CalloutStatus injectStream(long flowId, Layer layer, int streamFlags, PacketClone p, Object ctx, InjectionCompletion done) {
        return injector.submit(this, InjectionType.STREAM, p, 0, 0, null, flowId, layer, streamFlags, ctx, done);
    }

    boolean begin() {
        outstanding.incrementAndGet();
        if (closing) { // destroy raced with this call
            finishedCount();
            return false;
        }
        return true;
    }

    void finished(InjectedPacket p) { finishedCount(); }

    private void finishedCount() {
        if (outstanding.decrementAndGet() == 0 && closing) destroyed.complete(null);
    }

    void completionFailed() { completionFailures.incrementAndGet(); }

    @Override public String toString() { return "InjectionHandle#" + id + "(" + family + ", flags=0x" + Integer.toHexString(flags) + ")"; }
}
