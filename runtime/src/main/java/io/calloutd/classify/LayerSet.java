package io.calloutd.classify;

import io.calloutd.engine.Layer;

/** The layers of one IP version, looked up once so the packet path never searches. */
final class LayerSet {
    static final LayerSet V4 = new LayerSet(false);
    static final LayerSet V6 = new LayerSet(true);

    final Layer inboundIpPacket, outboundIpPacket, inboundTransport, outboundTransport, datagramData, stream;
    final Layer inboundIcmpError, outboundIcmpError, authConnect, authRecvAccept, flowEstablished;
    final Layer connectRedirect, bindRedirect, endpointClosure;

    private LayerSet(boolean v6) {
        String s = v6 ? "_V6" : "_V4";
        inboundIpPacket = Layer.valueOf("INBOUND_IPPACKET" + s);
        outboundIpPacket = Layer.valueOf("OUTBOUND_IPPACKET" + s);
        inboundTransport = Layer.valueOf("INBOUND_TRANSPORT" + s);
        outboundTransport = Layer.valueOf("OUTBOUND_TRANSPORT" + s);
        datagramData = Layer.valueOf("DATAGRAM_DATA" + s);
        stream = Layer.valueOf("STREAM" + s);
        inboundIcmpError = Layer.valueOf("INBOUND_ICMP_ERROR" + s);
        outboundIcmpError = Layer.valueOf("OUTBOUND_ICMP_ERROR" + s);
        authConnect = Layer.valueOf("ALE_AUTH_CONNECT" + s);
        authRecvAccept = Layer.valueOf("ALE_AUTH_RECV_ACCEPT" + s);
        flowEstablished = Layer.valueOf("ALE_FLOW_ESTABLISHED" + s);
        connectRedirect = Layer.valueOf("ALE_CONNECT_REDIRECT" + s);
        bindRedirect = Layer.valueOf("ALE_BIND_REDIRECT" + s);
        endpointClosure = Layer.valueOf("ALE_ENDPOINT_CLOSURE" + s);
    }

    static LayerSet of(int ipVersion) {
        return ipVersion == 6 ? V6 : V4;
    }
}
