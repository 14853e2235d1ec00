package io.calloutd.redirect;

import io.calloutd.packet.IpProtocols;
import io.calloutd.packet.ParsedPacket;

/**
 * The translation a redirect attaches to a flow ({@link io.calloutd.flow.Flow#redirect()}) for the flow's whole
 * life: the original tuple (the protected host's view) and the wire tuple (after bind and/or connect redirect).
 * Outbound packets carrying the original tuple are rewritten to the wire tuple; inbound packets from the new
 * remote to the new local endpoint are rewritten back, so both ends see a consistent conversation. Packets that
 * already carry the target tuple (e.g. reinjected clones) are left alone. Allocation-free per packet.
 */
public final class FlowTranslation {
    final int protocol;
    final long oLocalHigh, oLocalLow, oRemoteHigh, oRemoteLow;
    final int oLocalPort, oRemotePort;
    final long nLocalHigh, nLocalLow, nRemoteHigh, nRemoteLow;
    final int nLocalPort, nRemotePort;
    private final RedirectRecords records;
    private final RedirectRegistry registry;
    private final RedirectRegistry.Tuple wire;
    private final RedirectCounters counters;

    FlowTranslation(BindRequest bind, ConnectRequest connect, RedirectRecords records, RedirectRegistry registry,
                    RedirectRegistry.Tuple wire, RedirectCounters counters) {
        this.protocol = connect.protocol;
        this.oLocalHigh = bind.origLocalHigh; this.oLocalLow = bind.origLocalLow; this.oLocalPort = bind.origLocalPort;
        this.oRemoteHigh = connect.origRemoteHigh; this.oRemoteLow = connect.origRemoteLow;
        this.oRemotePort = connect.origRemotePort;
        this.nLocalHigh = bind.localHigh; this.nLocalLow = bind.localLow; this.nLocalPort = bind.localPort;
        this.nRemoteHigh = connect.remoteHigh; this.nRemoteLow = connect.remoteLow; this.nRemotePort = connect.remotePort;
        this.records = records;
        this.registry = registry;
        this.wire = wire;
        this.counters = counters;
    }

    /** The records of the redirect (original destination, target id, who redirected). */
    public RedirectRecords records() { return records; }

    /** True if the connect request was modified (AUTH_CONNECT shows IS_CONNECTION_REDIRECTED). */
    public boolean connectRedirected() {
        return oRemoteHigh != nRemoteHigh || oRemoteLow != nRemoteLow || oRemotePort != nRemotePort
                || records.localRedirectTargetPid() != 0 || records.localRedirectContext() != null;
    }

    /** Rewrites an outbound packet with the original tuple to the wire tuple; false if it did not carry it. */
    public boolean outbound(ParsedPacket p) {
        if (!carries(p, oLocalHigh, oLocalLow, oLocalPort, oRemoteHigh, oRemoteLow, oRemotePort)) {
            return false;
        }
        PacketRewriter.rewrite(p, nLocalHigh, nLocalLow, nLocalPort, nRemoteHigh, nRemoteLow, nRemotePort);
        counters.packetsOut.increment();
        return true;
    }

    /** Rewrites an inbound packet from the new remote back to the original tuple; false if it did not carry it. */
    public boolean inbound(ParsedPacket p) {
        if (!carries(p, nRemoteHigh, nRemoteLow, nRemotePort, nLocalHigh, nLocalLow, nLocalPort)) {
            return false;
        }
        PacketRewriter.rewrite(p, oRemoteHigh, oRemoteLow, oRemotePort, oLocalHigh, oLocalLow, oLocalPort);
        counters.packetsIn.increment();
        return true;
    }

    /** The flow ended: its records can no longer be queried. */
    public void ended() {
        registry.deactivate(wire, records);
    }

    private boolean carries(ParsedPacket p, long sh, long sl, int sp, long dh, long dl, int dp) {
        if (p.transportProtocol() != protocol || !p.hasTransportHeader()) {
            return false;
        }
        if (p.ipVersion() == 4) {
            if ((p.ipv4().sourceAddress() & 0xFFFF_FFFFL) != sl || (p.ipv4().destinationAddress() & 0xFFFF_FFFFL) != dl) {
                return false;
            }
        } else if (p.ipv6().sourceAddressLow() != sl || p.ipv6().sourceAddressHigh() != sh
                || p.ipv6().destinationAddressLow() != dl || p.ipv6().destinationAddressHigh() != dh) {
            return false;
        }
        if (protocol == IpProtocols.TCP) {
            return p.tcp().sourcePort() == sp && p.tcp().destinationPort() == dp;
        }
        if (protocol == IpProtocols.UDP) {
            return p.udp().sourcePort() == sp && p.udp().destinationPort() == dp;
        }
        return true; // ICMP: the flow lookup already matched the identifier
    }
}
