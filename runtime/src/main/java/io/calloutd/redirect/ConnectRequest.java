package io.calloutd.redirect;

import java.net.InetSocketAddress;

/**
 * The layer data at ALE_CONNECT_REDIRECT (FWPS_CONNECT_REQUEST0): the remote endpoint of a new outbound flow,
 * writable under the protocol of {@link RedirectRequest}. A modification lasts for the flow's whole life: its
 * packets go to the new remote, replies from there are translated back, and AUTH_CONNECT shows
 * IS_CONNECTION_REDIRECTED with ORIGINAL_DESTINATION and LOCAL_REDIRECT_TARGET_PID. Local address and port cannot be
 * changed here (that is {@link BindRequest}'s job).
 *
 * <pre>{@code
 * ConnectRequest r = (ConnectRequest) ctx.layerData();
 * if (r.redirectState(handle) != RedirectState.NOT_REDIRECTED) { if (out.hasWriteRight()) out.permit(); return; }
 * if (!r.acquireWritable(handle, filter, out)) return;   // no write right: leave it
 * r.remoteAddressAndPort(proxy);
 * r.apply();
 * out.permit();
 * }</pre>
 */
public final class ConnectRequest extends RedirectRequest {
    long origRemoteHigh, origRemoteLow;
    int origRemotePort;
    long targetPid;
    Object context;
    RedirectRecords carried;

    ConnectRequest() { }

    void begin(int version, int protocol, long lh, long ll, int lp, long rh, long rl, int rp, RedirectRegistry reg,
               RedirectRecords attached) {
        reset(version, protocol, lh, ll, lp, rh, rl, rp, reg);
        origRemoteHigh = rh;
        origRemoteLow = rl;
        origRemotePort = rp;
        targetPid = 0;
        context = null;
        carried = attached;
    }

    /** Moves the local endpoint after a bind redirect (the connect request shows the bound endpoint). */
    void local(long lh, long ll, int lp) {
        localHigh = lh;
        localLow = ll;
        localPort = lp;
    }

    /**
     * The redirect records this connection carries (a proxy attached them with {@link RedirectRegistry#attach}), or
     * null (the metadata's redirect-records handle).
     */
    public RedirectRecords redirectRecords() { return carried; }

    /** The remote endpoint the protected host addressed. */
    public InetSocketAddress originalRemoteAddressAndPort() {
        return Addresses.socket(version, origRemoteHigh, origRemoteLow, origRemotePort);
    }

    /**
     * FwpsQueryConnectionRedirectState0 for {@code handle}: REDIRECTED_BY_SELF if the records the connection
     * carries were made with this handle (the callout's own proxy connection: permit it), REDIRECTED_BY_OTHER if
     * another handle made them or already modified this request, PREVIOUSLY_REDIRECTED_BY_SELF if this handle
     * appears only earlier in the chain, else NOT_REDIRECTED.
     */
    public RedirectState redirectState(RedirectHandle handle) {
        long id = handle.id();
        if (modified && modifierHandleId != id) {
            return RedirectState.REDIRECTED_BY_OTHER;
        }
        if (carried == null) {
            return RedirectState.NOT_REDIRECTED;
        }
        if (carried.handleId() == id) {
            return RedirectState.REDIRECTED_BY_SELF;
        }
        return carried.madeBy(id) ? RedirectState.PREVIOUSLY_REDIRECTED_BY_SELF : RedirectState.REDIRECTED_BY_OTHER;
    }

    /**
     * Sets the new remote endpoint (remoteAddressAndPort). Needs {@link #acquireWritable}; same address family;
     * ICMP keeps its identifier (the port is ignored).
     *
     * @throws IllegalStateException    outside the write bracket
     * @throws IllegalArgumentException for another address family
     */
    public void remoteAddressAndPort(InetSocketAddress remote) {
        requireWritable();
        if (remote.getAddress() == null || Addresses.version(remote.getAddress()) != version) {
            throw new IllegalArgumentException("remoteAddressAndPort: not an IPv" + version + " address: " + remote);
        }
        remoteHigh = Addresses.high(remote.getAddress());
        remoteLow = Addresses.low(remote.getAddress());
        if (Ports.hasPorts(protocol)) {
            remotePort = remote.getPort();
        }
        dirty = true;
    }

    /**
     * Sets localRedirectTargetPID. The port has no processes behind the gateway: a configured target id stands in
     * for the PID (e.g. the proxy's id in the policy) and is shown as LOCAL_REDIRECT_TARGET_PID at AUTH_CONNECT.
     */
    public void localRedirectTargetPid(long targetId) {
        requireWritable();
        targetPid = targetId;
        dirty = true;
    }

    /** Sets localRedirectContext: kept with the records until the flow ends (the proxy reads it from the query). */
    public void localRedirectContext(Object ctx) {
        requireWritable();
        context = ctx;
        dirty = true;
    }

    /** The target id set so far (0: none). */
    public long localRedirectTargetPid() { return targetPid; }
}
