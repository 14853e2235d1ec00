package io.calloutd.classify;

import io.calloutd.engine.DiscardReason;
import io.calloutd.pipeline.Direction;

/**
 * The metadata a callout receives with each indication (the {@code FWPS_INCOMING_METADATA_VALUES0} analogue,
 * §2.3), as {@link io.calloutd.engine.ClassifyContext#metadata()}. One instance per packet thread, rewritten for
 * every classification: read it during classify, never keep it.
 */
public final class PacketMetadata {
    Direction packetDirection;
    long flowId;
    int ipHeaderSize;
    int transportHeaderSize;
    int reauthorizeReason;
    boolean reassembled;
    int fragmentId = -1;
    DiscardReason discardReason;
    java.net.InetSocketAddress originalDestination;
    long localRedirectTargetPid;
    boolean aleClassifyRequired;

    /** The direction the packet that caused this classification travels (set at every layer, §1.8). */
    public Direction packetDirection() { return packetDirection; }

    /** The flow's id at ALE, DATAGRAM_DATA and STREAM layers; 0 where the packet has no flow. */
    public long flowId() { return flowId; }

    /** Bytes of IP header including IPv6 extension headers. */
    public int ipHeaderSize() { return ipHeaderSize; }

    /** Bytes of transport header; 0 where there is none (non-first fragments, unknown protocols). */
    public int transportHeaderSize() { return transportHeaderSize; }

    /** {@link ReauthorizeReason} bits when this is a reauthorization; else 0. */
    public int reauthorizeReason() { return reauthorizeReason; }

    /** True for a datagram the runtime reassembled from fragments. */
    public boolean reassembled() { return reassembled; }

    /** The fragment identification at network layers when the packet is a fragment; else -1. */
    public int fragmentId() { return fragmentId; }

    /**
     * ORIGINAL_DESTINATION: at ALE_AUTH_CONNECT of a connect-redirected flow, the endpoint the protected host
     * addressed (the incoming values show the new remote); else null.
     */
    public java.net.InetSocketAddress originalDestination() { return originalDestination; }

    /**
     * LOCAL_REDIRECT_TARGET_PID: at ALE_AUTH_CONNECT of a connect-redirected flow, the target id the redirecting
     * callout set (a configured id standing in for the proxy's PID: there are no PIDs behind a gateway); else 0.
     */
    public long localRedirectTargetPid() { return localRedirectTargetPid; }

    /**
     * ALE_CLASSIFY_REQUIRED (§2.3): at INBOUND_TRANSPORT, this packet opens a flow and will also be classified at
     * AUTH_RECV_ACCEPT; do not pend or transport-receive inject it there (§5.2, check 47).
     */
    public boolean aleClassifyRequired() { return aleClassifyRequired; }

    /** Why the packet is being discarded, at discard layers; else null. */
    public DiscardReason discardReason() { return discardReason; }
}
