package io.calloutd.redirect;

import io.calloutd.engine.ActionType;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Filter;
import java.net.InetSocketAddress;

/**
 * The part bind and connect requests share: the connection they describe and the write protocol of §3.5. To
 * modify, a callout {@link #acquireWritable acquires} the request with its {@link RedirectHandle} while it holds
 * the write right (this sets BLOCK and clears WRITE, as FwpsAcquireWritableLayerDataPointer0 does), changes it,
 * {@link #apply() applies} it (always, even without a change) and then sets PERMIT. The setters refuse to work
 * outside an acquire/apply bracket, so a callout without a handle or without the right cannot change anything.
 *
 * <p>One instance per packet thread, reset for every new flow: valid only during the classify call.
 */
public abstract sealed class RedirectRequest permits BindRequest, ConnectRequest {
    int version;
    int protocol;
    long localHigh, localLow;
    int localPort;
    long remoteHigh, remoteLow;
    int remotePort;
    RedirectRegistry registry;

    boolean writable;
    boolean dirty;
    boolean modified;
    long modifierHandleId;
    long modifierFilterId;
    long pendingHandleId;
    long pendingFilterId;

    RedirectRequest() { }

    void reset(int ipVersion, int proto, long lh, long ll, int lp, long rh, long rl, int rp, RedirectRegistry reg) {
        version = ipVersion;
        protocol = proto;
        localHigh = lh; localLow = ll; localPort = lp;
        remoteHigh = rh; remoteLow = rl; remotePort = rp;
        registry = reg;
        writable = false;
        modified = false;
        modifierHandleId = 0;
        modifierFilterId = 0;
    }

    /** 4 or 6. */
    public int ipVersion() { return version; }

    /** IP protocol number (TCP, UDP, ICMP, ICMPv6). */
    public int protocol() { return protocol; }

    /** The local endpoint (after an applied bind redirect). ICMP: the port is the echo identifier. */
    public InetSocketAddress localAddressAndPort() { return Addresses.socket(version, localHigh, localLow, localPort); }

    /** The remote endpoint (after an applied connect redirect). */
    public InetSocketAddress remoteAddressAndPort() { return Addresses.socket(version, remoteHigh, remoteLow, remotePort); }

    /** The filter whose callout last applied a modification of this request (previousVersion's modifierFilterId), or 0. */
    public long modifierFilterId() { return modifierFilterId; }

    /** The handle id of the last applied modification, or 0. */
    public long modifierHandleId() { return modifierHandleId; }

    /** The registry a proxy queries; callouts use it to attach records to their proxy's connections. */
    public RedirectRegistry registry() { return registry; }

    /**
     * FwpsAcquireWritableLayerDataPointer0: makes the request writable for {@code handle}. Needs the write right;
     * sets BLOCK and clears WRITE (the callout sets PERMIT after {@link #apply()}).
     *
     * @return false (nothing changed) without the write right or with a closed handle
     */
    public boolean acquireWritable(RedirectHandle handle, Filter filter, ClassifyOut out) {
        if (handle == null || handle.isClosed() || !out.hasWriteRight()) {
            return false;
        }
        out.setActionType(ActionType.BLOCK);
        out.clearWriteRight();
        writable = true;
        dirty = false;
        pendingHandleId = handle.id();
        pendingFilterId = filter == null ? 0 : filter.id();
        return true;
    }

    /**
     * FwpsApplyModifiedLayerData0: ends the write bracket. If anything was changed the request remembers the
     * modifier (handle, filter); the data path translates the flow after the last redirect layer.
     */
    public void apply() {
        requireWritable();
        writable = false;
        if (dirty) {
            modified = true;
            modifierHandleId = pendingHandleId;
            modifierFilterId = pendingFilterId;
        }
    }

    /** True once a modification was applied during this flow's redirect classification. */
    public boolean isModified() { return modified; }

    final void requireWritable() {
        if (!writable) {
            throw new IllegalStateException("redirect request not acquired: call acquireWritable with a redirect handle "
                    + "and the write right first");
        }
    }
}
