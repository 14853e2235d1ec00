package io.calloutd.callouts.ddproxy;

/**
 * The flow context ddproxy associates at ALE_FLOW_ESTABLISHED for DATAGRAM_DATA (the sample's DD_PROXY_FLOW_CONTEXT):
 * which kind of flow it is and where its packets are to be sent instead. Immutable; {@link #deleted} is set by
 * flowDelete so that packets a worker still holds for an ended flow are dropped, as the sample does.
 */
final class ProxyFlow {
    /** The app's flow to A: its outbound datagrams go to B. */
    static final int ORIGINAL = 1;
    /** The proxied flow to B (created by our own injection): its inbound replies come back as from A. */
    static final int PROXY = 2;

    final int kind;
    final int protocol;
    volatile boolean deleted;

    ProxyFlow(int kind, int protocol) {
        this.kind = kind;
        this.protocol = protocol;
    }
}
