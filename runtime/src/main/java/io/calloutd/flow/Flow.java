package io.calloutd.flow;

import io.calloutd.pipeline.Direction;

/**
 * One tracked flow: identity (64-bit id, normalised 5-tuple), the side that initiated it, state, timestamps,
 * per-direction counters, the policy generation it was authorized at, and up to {@link #MAX_CONTEXTS} callout
 * contexts keyed by (layer id, callout id). Owned and mutated by its {@link FlowTable} on the table's thread;
 * readers on that thread may keep a reference, which stays valid (as an ended flow) after the flow is removed.
 */
public final class Flow {
    /** Maximum callout contexts per flow. */
    public static final int MAX_CONTEXTS = 32;
    /** Generation of a flow that was never authorized. */
    public static final long NEVER_AUTHORIZED = Long.MIN_VALUE;

    final long id;
    final int ipVersion;
    final int protocol;
    final long aHigh, aLow, bHigh, bLow;
    final int aPort, bPort;
    /** True if endpoint A (see FlowKey) sent the first packet. */
    final boolean initiatorIsA;
    final Direction initiatorDirection;
    final long createdNanos;
    /** Seeded key hash, kept for removal from the index. */
    int hash;

    FlowState state;
    long lastSeenNanos;
    long expiresAtNanos;
    CloseReason closeReason;
    long authorizedGeneration = NEVER_AUTHORIZED;
    long packetsFromInitiator, bytesFromInitiator, packetsFromResponder, bytesFromResponder;
    boolean establishedReported;

    // TCP tracking: initial sequence numbers and FIN bookkeeping per side (0 = initiator, 1 = responder).
    int initiatorIsn, responderIsn;
    int finSeen;        // bit per side
    int finAcked;       // bit per side
    final int[] finAckExpected = new int[2];

    // Eviction list (unconfirmed or lingering flows), intrusive so that it does not allocate.
    Flow prev, next;
    boolean listed;

    // Contexts: keys (layer << 32 | callout) and values, lazily allocated; pending-removal bits.
    long[] contextKeys;
    long[] contextValues;
    int contextCount;
    int pendingRemoval;
    int classifyDepth;
    boolean killed;
    boolean deletesDeferred;
    /** Packet-path state attached to the flow (the stream layer's connection state), or null. */
    private Object attachment;

    // Alias (translated tuple of a redirected flow, see FlowTable#alias) and the translation it stands for.
    boolean aliased;
    long aliasAHigh, aliasALow, aliasBHigh, aliasBLow;
    int aliasAPort, aliasBPort;
    boolean aliasInitiatorIsA;
    int aliasHash;
    Object redirect;
    /** The table that owns the flow (callouts associate contexts through it). */
    FlowTable table;

    Flow(long id, FlowKey k, Direction initiatorDirection, long now) {
        this.id = id;
        this.ipVersion = k.ipVersion;
        this.protocol = k.protocol;
        this.aHigh = k.aHigh;
        this.aLow = k.aLow;
        this.bHigh = k.bHigh;
        this.bLow = k.bLow;
        this.aPort = k.aPort;
        this.bPort = k.bPort;
        this.initiatorIsA = k.srcIsA;
        this.initiatorDirection = initiatorDirection;
        this.createdNanos = now;
        this.lastSeenNanos = now;
    }

    /** State the packet path attached to this flow (e.g. the stream layer's connection), or null. Packet thread only. */
    public Object attachment() { return attachment; }

    /** Attaches packet-path state (null detaches). Packet thread only. */
    public void attach(Object state) { this.attachment = state; }

    /** The 64-bit flow id (FLOW_HANDLE metadata); unique per table, never reused. */
    public long id() { return id; }
    /** 4 or 6. */
    public int ipVersion() { return ipVersion; }
    /** IP protocol number. */
    public int protocol() { return protocol; }
    /** Direction of the flow's first packet (WFP: the flow's direction; it does not restrict packet direction). */
    public Direction initiatorDirection() { return initiatorDirection; }
    /** Current state. */
    public FlowState state() { return state; }
    /** True once the flow has ended (CLOSED emitted, contexts deleted); it may still linger in the table. */
    public boolean isEnded() { return closeReason != null; }

    /** True once the flow was killed by a security block at FLOW_ESTABLISHED: its packets are dropped until it ends. */
    public boolean isKilled() { return killed; }
    /** Why the flow ended, or null while it is live. */
    public CloseReason closeReason() { return closeReason; }
    /** Creation time (caller's nanosecond clock). */
    public long createdNanos() { return createdNanos; }
    /** Time of the last packet. */
    public long lastSeenNanos() { return lastSeenNanos; }
    /** When the flow times out unless another packet arrives. */
    public long expiresAtNanos() { return expiresAtNanos; }
    /** Policy generation of the last authorization, or {@link #NEVER_AUTHORIZED}. */
    public long authorizedGeneration() { return authorizedGeneration; }
    /** Packets sent by the initiator. */
    public long packetsFromInitiator() { return packetsFromInitiator; }
    /** IP bytes sent by the initiator. */
    public long bytesFromInitiator() { return bytesFromInitiator; }
    /** Packets sent by the responder. */
    public long packetsFromResponder() { return packetsFromResponder; }
    /** IP bytes sent by the responder. */
    public long bytesFromResponder() { return bytesFromResponder; }

    /** Initiator address, upper 64 bits (0 for IPv4). */
    public long initiatorAddressHigh() { return initiatorIsA ? aHigh : bHigh; }
    /** Initiator address, lower 64 bits (the IPv4 address, unsigned, for IPv4). */
    public long initiatorAddressLow() { return initiatorIsA ? aLow : bLow; }
    /** Initiator port (ICMP: identifier for queries, 0x10000|type&lt;&lt;8|code otherwise; 0 for other protocols). */
    public int initiatorPort() { return initiatorIsA ? aPort : bPort; }
    /** Responder address, upper 64 bits. */
    public long responderAddressHigh() { return initiatorIsA ? bHigh : aHigh; }
    /** Responder address, lower 64 bits. */
    public long responderAddressLow() { return initiatorIsA ? bLow : aLow; }
    /** Responder port. */
    public int responderPort() { return initiatorIsA ? bPort : aPort; }

    /** The flow table that owns this flow (for FwpsFlowAssociateContext0 from a classify), or null in tests. */
    public FlowTable table() { return table; }

    /** True if the flow has an alias entry: it was redirected and its translated tuple finds it too. */
    public boolean isAliased() { return aliased; }

    /**
     * The redirect translation attached by the data path (an {@code io.calloutd.redirect.FlowTranslation}), or null
     * for a flow that was never redirected. Typed loosely so that the flow package does not depend on redirection.
     */
    public Object redirect() { return redirect; }

    /** Attaches the redirect translation (table thread only; see {@link #redirect()}). */
    public void redirect(Object translation) { this.redirect = translation; }

    /** The context associated for (layer, callout), or 0 if none. */
    public long context(int layerId, int calloutId) {
        int i = indexOf(key(layerId, calloutId));
        return i < 0 ? 0 : contextValues[i];
    }
    /** Number of associated contexts (pending removals included). */
    public int contextCount() { return contextCount; }

    static long key(int layerId, int calloutId) { return (long) layerId << 32 | (calloutId & 0xFFFFFFFFL); }

    int indexOf(long key) {
        for (int i = 0; i < contextCount; i++) {
            if (contextKeys[i] == key) {
                return i;
            }
        }
        return -1;
    }

    /** Removes slot i, keeping the pending bits aligned with the slots. */
    void removeSlot(int i) {
        int last = contextCount - 1;
        for (int j = i; j < last; j++) {
            contextKeys[j] = contextKeys[j + 1];
            contextValues[j] = contextValues[j + 1];
        }
        int low = pendingRemoval & ((1 << i) - 1);
        int high = i == 31 ? 0 : (pendingRemoval >>> (i + 1)) << i;
        pendingRemoval = low | high;
        contextCount = last;
    }

    /** True if packets from endpoint A are from the initiator. */
    boolean fromInitiator(boolean srcIsA) { return srcIsA == initiatorIsA; }

    @Override
    public String toString() {
        return "Flow[" + id + " v" + ipVersion + " proto " + protocol + " " + initiatorDirection + " " + state
                + (closeReason != null ? " ended " + closeReason : "") + "]";
    }
}
