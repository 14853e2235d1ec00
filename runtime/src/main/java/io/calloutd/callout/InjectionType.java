package io.calloutd.callout;

/** The injection functions (§4.2) and where the data must start. */
public enum InjectionType {
    /** FwpsInjectNetworkSendAsync: send path; data starts at the IP header; re-enters at OUTBOUND_IPPACKET. */
    NETWORK_SEND(InjectionHandle.NETWORK, true),
    /** FwpsInjectNetworkReceiveAsync: receive path, bottom; data at the IP header; re-enters at INBOUND_IPPACKET. */
    NETWORK_RECEIVE(InjectionHandle.NETWORK, true),
    /** FwpsInjectForwardAsync: out of a given interface; data at the IP header; never classified again (check 34). */
    FORWARD(InjectionHandle.FORWARD, true),
    /** FwpsInjectTransportSendAsync: top of the send path; data at the transport header; re-enters at ALE/transport. */
    TRANSPORT_SEND(InjectionHandle.TRANSPORT, false),
    /** FwpsInjectTransportReceiveAsync: bottom of the receive path; data at the IP header. */
    TRANSPORT_RECEIVE(InjectionHandle.TRANSPORT, true),
    /** FwpsStreamInjectAsync: into a TCP byte stream; data is payload only. */
    STREAM(InjectionHandle.STREAM, false);

    private final int handleFlag;
    private final boolean startsAtIpHeader;

    InjectionType(int handleFlag, boolean startsAtIpHeader) {
        this.handleFlag = handleFlag;
        this.startsAtIpHeader = startsAtIpHeader;
    }

    /** The {@link InjectionHandle} flag a handle needs for this type. */
    public int handleFlag() { return handleFlag; }

    /** True if the injected data must start at the IP header (false: transport header or stream payload). */
    public boolean startsAtIpHeader() { return startsAtIpHeader; }

    /** False only for forward injection, which no layer classifies again (§4.2). */
    public boolean reclassified() { return this != FORWARD; }
}
