package io.calloutd.flow;

import io.calloutd.packet.IpProtocols;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.packet.TcpHeader;
import io.calloutd.pipeline.Direction;
import java.security.SecureRandom;

/**
 * The flow table that drives the ALE layers. Per packet, {@link #track} finds or creates the packet's flow
 * (both directions map to the same flow), advances TCP state or the pseudo-flow's reply state, restarts the
 * idle timeout and reports the ALE events in a reused {@link FlowEvent}. Lookups of existing flows allocate
 * nothing; creating a flow allocates the {@link Flow}.
 *
 * <p>Lifetime: a flow ends exactly once ({@link CloseReason}): FIN completion or RST (seen by {@code track}),
 * timeout (lazily on the next packet, or by the incremental {@link #expire} sweep), eviction, {@link #abort} or
 * {@link #close}. On its end the listener's {@code flowEnded} runs once, then {@code flowDelete} once per
 * associated context. FIN/RST-ended TCP flows linger (TIME_WAIT/CLOSE timeouts) so stray segments still find
 * them; a new SYN replaces such a flow.
 *
 * <p>Size is bounded by {@link FlowConfig#maxFlows()}. When full, a new flow first triggers a bounded search for
 * timed-out flows, then drops the oldest ended (lingering) flow, else evicts the oldest unconfirmed flow (TCP
 * before ESTABLISHED, non-TCP before a reply), else is refused. Each way is counted.
 *
 * <p>Not thread-safe: one thread owns a table. Listeners run on that thread and must not call {@link #track}.
 */
public final class FlowTable implements AutoCloseable {
    private final FlowConfig config;
    private final FlowDeleteListener listener;
    private final FlowIndex index;
    private final FlowKey key;
    private final FlowContexts contexts;
    private final FlowCounters counters = new FlowCounters();
    private final long[] tcpTimeouts = new long[FlowState.values().length];
    private final long udpTimeout, icmpTimeout, otherTimeout;
    private final EvictionOrder evictionOrder = new EvictionOrder();
    private int aliases;
    private long nextId = 1;
    private int sweepCursor;
    private boolean closed;

    /**
     * @param config   limits and timeouts
     * @param listener receives flow ends and flowDelete notifications
     */
    public FlowTable(FlowConfig config, FlowDeleteListener listener) {
        this.config = config;
        this.listener = listener;
        this.index = new FlowIndex(config.maxFlows());
        this.key = new FlowKey(new SecureRandom().nextLong());
        this.contexts = new FlowContexts(listener, counters);
        for (FlowState s : FlowState.values()) {
            if (s.isTcp()) {
                tcpTimeouts[s.ordinal()] = config.timeoutNanos(s, IpProtocols.TCP);
            }
        }
        udpTimeout = config.udpIdle().toNanos();
        icmpTimeout = config.icmpIdle().toNanos();
        otherTimeout = config.otherIdle().toNanos();
    }

    /**
     * Tracks one successfully parsed packet.
     *
     * @param p         the parsed packet (TCP/UDP/ICMP need their transport header: reassemble fragments first)
     * @param direction which way the packet travels
     * @param nowNanos  the caller's monotonic clock (e.g. {@link System#nanoTime()})
     * @param out       receives the outcome, the flow and the event bits (reset first)
     * @return the packet's flow, or null when {@code out.result()} is MID_STREAM, REFUSED, UNTRACKABLE or
     *         RELATED_UNKNOWN
     */
    public Flow track(ParsedPacket p, Direction direction, long nowNanos, FlowEvent out) {
        out.reset();
        if (closed) {
            out.result = FlowEvent.Result.REFUSED;
            return null;
        }
        int kind = key.extract(p);
        if (kind == FlowKey.UNTRACKABLE) {
            counters.untrackable++;
            out.result = FlowEvent.Result.UNTRACKABLE;
            return null;
        }
        Flow f = index.find(key);
        if (kind == FlowKey.ICMP_ERROR) {
            return related(f, out);
        }
        if (f != null && nowNanos - f.expiresAtNanos >= 0) {
            removeFlow(f);
            endFlow(f, CloseReason.TIMEOUT); // no-op if it had already ended and was only lingering
            f = null;
        }
        boolean tcp = key.protocol == IpProtocols.TCP;
        int flags = tcp ? p.tcp().flags() : 0;
        if (f != null && tcp && f.isEnded()) {
            if ((flags & (TcpHeader.SYN | TcpHeader.ACK | TcpHeader.RST)) != TcpHeader.SYN) {
                // A stray segment of an ended connection: attributed, but the flow stays ended.
                out.flow = f;
                out.result = FlowEvent.Result.TRACKED;
                out.fromInitiator = fromInitiator(f);
                account(f, out.fromInitiator, p.ipLength());
                return f;
            }
            removeFlow(f);
            out.events |= FlowEvent.REPLACED;
            f = null;
        }
        if (f == null) {
            return create(p, direction, nowNanos, flags, tcp, out);
        }
        boolean fromInitiator = fromInitiator(f);
        out.flow = f;
        out.result = FlowEvent.Result.TRACKED;
        out.fromInitiator = fromInitiator;
        account(f, fromInitiator, p.ipLength());
        f.lastSeenNanos = nowNanos;
        if (tcp) {
            TcpHeader t = p.tcp();
            int ack = t.acknowledgmentNumber();
            if (f.attachment() instanceof TcpAckTranslator x) ack = x.ackInSenderSpace(direction, ack); // edited stream
            int change = TcpTracker.update(f, fromInitiator, flags, t.sequenceNumber(), ack, p.payloadLength());
            applyTcpChange(f, change, nowNanos, out);
        } else {
            if (!fromInitiator && f.state == FlowState.UNREPLIED) {
                f.state = FlowState.REPLIED;
                out.events |= FlowEvent.FIRST_REPLY;
                evictionOrder.unlink(f);
            }
            f.expiresAtNanos = nowNanos + idleTimeout(f.protocol);
        }
        return f;
    }

    /** Finds the packet's flow without changing anything (null if unknown or the packet cannot be keyed). */
    public Flow lookup(ParsedPacket p) {
        return key.extract(p) == FlowKey.UNTRACKABLE ? null : index.find(key);
    }

    /** Which side sent the packet just keyed, relative to the entry (own key or alias) the last find matched. */
    private boolean fromInitiator(Flow f) {
        return index.lastFoundAlias ? f.aliasInitiatorIsA == key.srcIsA : f.fromInitiator(key.srcIsA);
    }

    /**
     * Gives a live flow a second key, its alias: the tuple the initiator's packets carry after a redirect
     * translation ({@code local} = the initiator's side). Packets with that tuple, both ways, then find the flow.
     * An alias takes a slot of {@link FlowConfig#maxFlows()} until the flow is removed. ICMP query flows pass the
     * identifier as both ports.
     *
     * @return false if the flow already has an alias, has ended, the table is full or another flow owns the tuple
     */
    public boolean alias(Flow f, long localHigh, long localLow, int localPort,
                         long remoteHigh, long remoteLow, int remotePort) {
        if (f.aliased || f.isEnded() || counters.size + aliases >= config.maxFlows()) {
            return false;
        }
        key.set(f.ipVersion, f.protocol, localHigh, localLow, localPort, remoteHigh, remoteLow, remotePort);
        if (index.find(key) != null) {
            return false;
        }
        f.aliasAHigh = key.aHigh; f.aliasALow = key.aLow; f.aliasAPort = key.aPort;
        f.aliasBHigh = key.bHigh; f.aliasBLow = key.bLow; f.aliasBPort = key.bPort;
        f.aliasInitiatorIsA = key.srcIsA; // the initiator is the packet source in this key
        f.aliasHash = key.hash;
        f.aliased = true;
        index.insert(f, key.hash, true);
        aliases++;
        return true;
    }

    private Flow related(Flow f, FlowEvent out) {
        if (f == null) {
            counters.relatedUnknown++;
            out.result = FlowEvent.Result.RELATED_UNKNOWN;
            return null;
        }
        out.flow = f;
        out.result = FlowEvent.Result.RELATED;
        out.events = FlowEvent.RELATED;
        // The error travels opposite to the packet it quotes.
        out.fromInitiator = !fromInitiator(f);
        return f;
    }

    private Flow create(ParsedPacket p, Direction direction, long now, int flags, boolean tcp, FlowEvent out) {
        boolean midStream = false;
        if (tcp && (flags & (TcpHeader.SYN | TcpHeader.ACK | TcpHeader.RST)) != TcpHeader.SYN) {
            counters.midStream++;
            if (!config.pickUpMidStream() || (flags & TcpHeader.RST) != 0) {
                out.result = FlowEvent.Result.MID_STREAM;
                return null;
            }
            midStream = true;
        }
        if (!makeRoom(now)) {
            counters.refused++;
            out.result = FlowEvent.Result.REFUSED;
            out.events = 0;
            return null;
        }
        Flow f = new Flow(nextId++, key, direction, now);
        f.table = this;
        f.hash = key.hash;
        index.insert(f, key.hash);
        counters.size++;
        counters.created++;
        out.flow = f;
        out.result = FlowEvent.Result.TRACKED;
        out.fromInitiator = true;
        out.events |= FlowEvent.NEW_FLOW;
        account(f, true, p.ipLength());
        if (!tcp) {
            f.state = FlowState.UNREPLIED;
            evictionOrder.append(f);
            establish(f, out); // WFP: FLOW_ESTABLISHED follows the first packet's authorization (check 50)
            f.expiresAtNanos = now + idleTimeout(f.protocol);
        } else if (!midStream) {
            TcpTracker.begin(f, p.tcp().sequenceNumber());
            evictionOrder.append(f);
            f.expiresAtNanos = now + tcpTimeouts[f.state.ordinal()];
        } else {
            f.state = FlowState.TCP_ESTABLISHED;
            out.events |= FlowEvent.MID_STREAM;
            establish(f, out);
            TcpHeader t = p.tcp();
            int change = TcpTracker.update(f, true, flags, t.sequenceNumber(), t.acknowledgmentNumber(),
                    p.payloadLength());
            applyTcpChange(f, change, now, out);
        }
        return f;
    }

    private void applyTcpChange(Flow f, int change, long now, FlowEvent out) {
        if ((change & TcpTracker.SYN_ACKED) != 0) {
            out.events |= FlowEvent.FIRST_REPLY;
            if (f.initiatorDirection == Direction.OUTBOUND) {
                establish(f, out); // the protected client's connect completes at the SYN-ACK (check 48)
            }
        }
        if ((change & TcpTracker.HANDSHAKE_DONE) != 0) {
            evictionOrder.unlink(f);
            establish(f, out); // the protected server's accept completes at the final ACK (check 49)
        }
        if ((change & (TcpTracker.RESET | TcpTracker.FIN_DONE)) != 0) {
            out.events |= FlowEvent.CLOSED;
            endFlow(f, (change & TcpTracker.RESET) != 0 ? CloseReason.RST : CloseReason.FIN);
            evictionOrder.push(f);
            f.expiresAtNanos = now + tcpTimeouts[f.state.ordinal()];
        } else {
            f.expiresAtNanos = now + tcpTimeouts[f.state.ordinal()];
        }
    }

    private void establish(Flow f, FlowEvent out) {
        if (!f.establishedReported) {
            f.establishedReported = true;
            out.events |= FlowEvent.ESTABLISHED;
            counters.established++;
        }
    }

    private static void account(Flow f, boolean fromInitiator, int bytes) {
        if (fromInitiator) {
            f.packetsFromInitiator++;
            f.bytesFromInitiator += bytes;
        } else {
            f.packetsFromResponder++;
            f.bytesFromResponder += bytes;
        }
    }

    private long idleTimeout(int protocol) {
        return protocol == IpProtocols.UDP ? udpTimeout
                : protocol == IpProtocols.ICMP || protocol == IpProtocols.ICMPV6 ? icmpTimeout : otherTimeout;
    }

    /**
     * Sweeps up to {@link FlowConfig#expireScanBudget()} index slots from where the last sweep stopped, ending
     * (TIMEOUT) and removing flows whose timeout has passed. Call it regularly from the table's thread.
     *
     * @return flows removed by this call
     */
    public int expire(long nowNanos) {
        return sweep(nowNanos, config.expireScanBudget(), false);
    }

    /**
     * As {@link #expire(long)} with another slot budget: a periodic caller passes a tenth of {@link #slotCount()} to
     * cover the whole table once per ten calls.
     */
    public int expire(long nowNanos, int budget) {
        return sweep(nowNanos, Math.max(1, budget), false);
    }

    /** @return index slots, the unit of the expiry budgets */
    public int slotCount() {
        return index.capacity();
    }

    private int sweep(long now, int budget, boolean whenFull) {
        int removed = 0;
        int mask = index.capacity() - 1;
        for (int n = 0; n < budget; n++) {
            Flow f = index.at(sweepCursor);
            if (f != null && now - f.expiresAtNanos >= 0) {
                removeFlow(f);
                if (!f.isEnded()) {
                    endFlow(f, CloseReason.TIMEOUT);
                    if (whenFull) {
                        counters.expiredWhenFull++;
                    }
                }
                removed++;
                continue; // backward-shift deletion may have moved another flow into this slot
            }
            sweepCursor = (sweepCursor + 1) & mask;
        }
        return removed;
    }

    private boolean makeRoom(long now) {
        if (counters.size + aliases < config.maxFlows()) {
            return true;
        }
        if (config.fullTableScanBudget() > 0 && sweep(now, config.fullTableScanBudget(), true) > 0) {
            return true;
        }
        Flow victim = evictionOrder.first();
        if (victim == null) {
            return false;
        }
        removeFlow(victim);
        if (victim.isEnded()) {
            counters.evictedLingering++;
        } else {
            counters.evictedUnconfirmed++;
            endFlow(victim, CloseReason.EVICTED);
        }
        return true;
    }

    /**
     * Ends a live flow now (FwpsFlowAbort0; also the way to drop a flow whose ALE authorization was blocked, so
     * that its next packet is authorized again) and removes it from the table.
     *
     * @return false if the flow had already ended
     */
    public boolean abort(Flow flow) {
        if (flow.isEnded()) {
            return false;
        }
        removeFlow(flow);
        endFlow(flow, CloseReason.ABORTED);
        return true;
    }

    /** Ends every flow (TABLE_CLOSED, exactly once each) and empties the table; later tracks are REFUSED. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < index.capacity(); i++) {
            Flow f;
            while ((f = index.at(i)) != null) {
                removeFlow(f);
                endFlow(f, CloseReason.TABLE_CLOSED);
            }
        }
    }

    /**
     * Kills a live flow (a security-error BLOCK at ALE_FLOW_ESTABLISHED, §1.8): it stays in the table so that
     * its later packets are recognised and dropped, until its normal timeout ends it.
     */
    public void kill(Flow flow) { flow.killed = true; }

    /** Records that the flow was authorized (ALE permit) under policy generation {@code generation}. */
    public void markAuthorized(Flow flow, long generation) { flow.authorizedGeneration = generation; }

    /**
     * True if a live flow was authorized under another policy generation than {@code currentGeneration} (or never):
     * its next packet, in either direction, must be reauthorized at the flow's ALE layer (§1.8, check 52).
     */
    public boolean needsReauthorization(Flow flow, long currentGeneration) {
        return !flow.isEnded() && flow.authorizedGeneration != currentGeneration;
    }

    /** FwpsFlowAssociateContext0: binds a non-zero context to (flow, layer, callout). */
    public ContextStatus associateContext(Flow flow, int layerId, int calloutId, long context) {
        return contexts.associate(flow, layerId, calloutId, context);
    }

    /** FwpsFlowRemoveContext0: SUCCESS (flowDelete ran), PENDING (runs at {@link #endClassify}) or UNSUCCESSFUL. */
    public ContextStatus removeContext(Flow flow, int layerId, int calloutId) {
        return contexts.remove(flow, layerId, calloutId);
    }

    /** Marks the start of a classify of this flow: context removals and flow-end deletes wait for its end. */
    public void beginClassify(Flow flow) { flow.classifyDepth++; }

    /** Marks the end of a classify; runs the flowDelete notifications that waited for it. */
    public void endClassify(Flow flow) { contexts.endClassify(flow); }

    /** Counters (live object). */
    public FlowCounters counters() { return counters; }

    /** Flows in the table, lingering ended ones included. */
    public int size() { return counters.size; }

    /**
     * Hands up to {@code limit} tracked flows to {@code visitor}, in index order. Call it on the table's thread
     * only (e.g. as a task of its packet loop): flows change under any other thread.
     *
     * @return flows visited
     */
    public int forEach(int limit, java.util.function.Consumer<Flow> visitor) {
        int n = 0;
        for (int i = 0; i < index.capacity() && n < limit; i++) {
            Flow f = index.at(i);
            if (f != null) {
                visitor.accept(f);
                n++;
            }
        }
        return n;
    }

    /** The configuration. */
    public FlowConfig config() { return config; }

    private void endFlow(Flow f, CloseReason reason) {
        if (f.closeReason != null) {
            return;
        }
        f.closeReason = reason;
        switch (reason) {
            case FIN -> counters.closedFin++;
            case RST -> counters.closedRst++;
            case TIMEOUT -> counters.closedTimeout++;
            case EVICTED -> counters.closedEvicted++;
            case ABORTED -> counters.closedAborted++;
            case TABLE_CLOSED -> counters.closedTableClosed++;
            default -> { }
        }
        evictionOrder.unlink(f);
        try {
            listener.flowEnded(f, reason);
        } catch (RuntimeException e) {
            counters.listenerFailures++;
        }
        contexts.flowEnded(f);
    }

    private void removeFlow(Flow f) {
        if (index.remove(f, f.hash)) {
            counters.size--;
        }
        if (f.aliased && index.remove(f, f.aliasHash, true)) {
            aliases--;
        }
        evictionOrder.unlink(f);
    }
}
