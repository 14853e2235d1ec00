package io.calloutd.redirect;

import java.net.InetSocketAddress;

/**
 * The layer data at ALE_BIND_REDIRECT (FWPS_BIND_REQUEST0): the local endpoint the protected host's flow uses.
 * On a TUN the bind is implicit and indicated with the flow's first outbound packet, so a bind redirect applies to
 * that one flow (WFP: to the socket) for the flow's whole life: its packets leave from the new local endpoint and
 * replies to it are translated back. ICMP: only the address can change (the identifier stays).
 */
public final class BindRequest extends RedirectRequest {
    long origLocalHigh, origLocalLow;
    int origLocalPort;

    BindRequest() { }

    void begin(int version, int protocol, long lh, long ll, int lp, long rh, long rl, int rp, RedirectRegistry reg) {
        reset(version, protocol, lh, ll, lp, rh, rl, rp, reg);
        origLocalHigh = lh;
        origLocalLow = ll;
        origLocalPort = lp;
    }

    /**
     * Sets the new local endpoint (localAddressAndPort). Needs {@link #acquireWritable}; the address family must
     * stay the same; ICMP keeps its identifier (the port is ignored).
     *
     * @throws IllegalStateException    outside the write bracket
     * @throws IllegalArgumentException for another address family or a port outside 0..65535
     */
    public void localAddressAndPort(InetSocketAddress local) {
        requireWritable();
        if (local.getAddress() == null || Addresses.version(local.getAddress()) != version) {
            throw new IllegalArgumentException("localAddressAndPort: not an IPv" + version + " address: " + local);
        }
        localHigh = Addresses.high(local.getAddress());
        localLow = Addresses.low(local.getAddress());
        if (Ports.hasPorts(protocol)) {
            localPort = local.getPort();
        }
        dirty = true;
    }
}
