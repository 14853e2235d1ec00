package io.calloutd.pipeline;

import io.calloutd.engine.Verdict;
import io.calloutd.inject.HeaderRebuilder;
import io.calloutd.callout.CalloutStatus;
import io.calloutd.callout.InjectedPacket;
import io.calloutd.callout.InjectionTarget;
import io.calloutd.callout.InjectionType;
import io.calloutd.checksum.PacketChecksums;
import io.calloutd.fragment.FragmentationResult;
import io.calloutd.fragment.Reassembler;
import io.calloutd.fragment.ReassemblyConfig;
import io.calloutd.fragment.ReassemblyResult;
import io.calloutd.inject.InjectionPath;
import io.calloutd.inject.InjectionResult;
import io.calloutd.inject.PacketInjector;
import io.calloutd.nativebridge.PacketReceiver;
import io.calloutd.nativebridge.TunQueue;
import io.calloutd.packet.DropCounters;
import io.calloutd.packet.DropReason;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The packet path of one packet thread: validate/parse, reassemble fragments, ask the verdict hook, fit the
 * egress MTU, reinject. Every packet read ends exactly once as reinjected, held for reassembly or a counted
 * drop with a reason (see {@link PipelineCounters#unaccounted()}); no exception escapes to the reader loop and
 * nothing is allocated per packet in the steady state (parse state is reused, buffers are pooled).
 *
 * <p>It is also the {@link InjectionTarget} of the callout runtime: injected packets wait in a bounded queue and
 * are processed on the packet thread after the current packet, re-entering the classification where their type
 * says (§4.5, see {@link VerdictHook#decideInjected}), then leave like any permitted packet (MTU fit, reinjection);
 * the injection completes exactly once after the kernel write. Their accounting is separate
 * ({@link PipelineCounters#injectionsAccepted()} and the counters after it).
 */
public final class PacketPipeline implements AutoCloseable, InjectionTarget, PacketResumer {
    /** Injections that may wait for one packet thread by default. */
    public static final int DEFAULT_INJECTION_QUEUE = 1024;
    /** Packets the verdict hook may originate per packet it decides (rebuilt stream segments). */
    static final int HOOK_OUTPUT_QUEUE = 4096;

    private final PacketParser parser = new PacketParser();
    private final HeaderRebuilder rebuilder = new HeaderRebuilder();
    private final ParsedPacket parsed = new ParsedPacket();
    private final VerdictHook hook;
    private final PacketInjector injector;
    private final DropCounters drops;
    private final PipelineCounters counters;
    private final Map<Direction, Egress> egress;
    private final FragmentStage fragments;
    private final GsoStage gso; // null unless the TUNs carry a vnet header
    private final ByteBufAllocator alloc;
    private final InjectionQueue injections = new InjectionQueue(DEFAULT_INJECTION_QUEUE, this::drainInjections);
    /** Last queue each direction's packets were read from: receive-path injections are written there. */
    private final TunQueue[] lastQueue = new TunQueue[Direction.values().length];
    private boolean emittingInjected;
    private boolean emittingHook;
    private boolean draining;
    private final HookOutputRing hookOutput = new HookOutputRing(HOOK_OUTPUT_QUEUE);
    /** Packets handed back after a pend (§5), waiting for the current packet to finish. Packet thread only. */
    private final java.util.ArrayDeque<Resumed> resumed = new java.util.ArrayDeque<>();
    /** True while a packet or an injection is being processed: a resumed packet must wait. */
    private boolean busy;

    private record Resumed(ByteBuf packet, Direction direction, Object token) { }

    /**
     * @param hook       decides each well-formed packet or reassembled datagram
     * @param injector   hands packets back to the kernel
     * @param drops      malformed-packet counters by reason (this thread's)
     * @param counters   packet accounting
     * @param egress     where each direction's permitted packets go
     * @param reassembly reassembly limits
     * @param alloc      allocator for reassembled datagrams, fragments and ICMP errors
     */
    public PacketPipeline(VerdictHook hook, PacketInjector injector, DropCounters drops, PipelineCounters counters,
                          Map<Direction, Egress> egress, ReassemblyConfig reassembly, ByteBufAllocator alloc) {
        this(hook, injector, drops, counters, egress, reassembly, alloc, false);
    }

    /**
     * As above, for TUN queues that all carry a {@code virtio_net_hdr} ({@code IFF_VNET_HDR}) when
     * {@code vnetHeader} is true: frames go through the {@link GsoStage} on the way in and get their header back
     * on TUN writes.
     */
    public PacketPipeline(VerdictHook hook, PacketInjector injector, DropCounters drops, PipelineCounters counters,
                          Map<Direction, Egress> egress, ReassemblyConfig reassembly, ByteBufAllocator alloc,
                          boolean vnetHeader) {
        this.hook = hook;
        this.gso = vnetHeader ? new GsoStage(hook, injector, counters.gso, alloc, this::processSegment) : null;
        this.injector = gso != null ? gso : injector;
        this.drops = drops;
        this.counters = counters;
        this.egress = new EnumMap<>(egress);
        for (Direction d : Direction.values()) {
            if (!this.egress.containsKey(d)) {
                throw new IllegalArgumentException("no egress configured for " + d);
            }
        }
        this.fragments = new FragmentStage(reassembly, alloc);
        this.alloc = alloc;
        hook.attachOutput(this::hookSend);
    }

    /** {@link PacketOutput} of the hook: queued behind the packet being processed, else sent at once. */
    private boolean hookSend(ByteBuf packet, Direction direction) {
        if (!hookOutput.offer(packet, direction)) {
            packet.release();
            counters.hookRefused.increment();
            return false;
        }
        if (!busy) {
            flushHookOutput();
        }
        return true;
    }

    /** Sends what the hook originated (after the packet that caused it). */
    private void flushHookOutput() {
        boolean wasBusy = busy;
        busy = true;
        try {
            while (!hookOutput.isEmpty()) {
                Direction d = hookOutput.headDirection();
                ByteBuf packet = hookOutput.poll();
                try {
                    if (parser.parse(packet, parsed) != null) {
                        counters.hookFailed.increment();
                        continue;
                    }
                    emittingHook = true;
                    emit(lastQueue[d.ordinal()], packet, egress.get(d), 0, 0, false);
                } catch (RuntimeException e) {
                    counters.hookFailed.increment();
                } finally {
                    emittingHook = false;
                    packet.release();
                }
            }
        } finally {
            busy = wasBusy;
        }
    }

    /**
     * Sets how injections made on other threads reach the packet thread: typically the event loop's
     * {@code execute} ({@code PacketIoLoop::execute}). Without one they wait for the next packet or
     * {@link #drainInjections()}.
     */
    public void injectionExecutor(Executor packetThread) {
        injections.packetThread(packetThread);
        hook.packetThread(packetThread);
    }

    /**
     * @param direction the direction of every packet read through the returned receiver
     * @return a receiver to register for the TUN queues that carry that direction's traffic
     */
    public PacketReceiver receiverFor(Direction direction) {
        Egress out = egress.get(direction);
        return (queue, packet) -> {
            injections.ownedBy(Thread.currentThread());
            if (queue != null) {
                lastQueue[direction.ordinal()] = queue;
            }
            boolean outer = !busy;
            busy = true;
            try {
                process(queue, packet, direction, out);
            } finally {
                packet.release();
                busy = !outer;
            }
            if (outer) {
                flushHookOutput();
            }
            if (!injections.isEmpty()) {
                drainInjections(); // what callouts injected while this packet was classified
            }
            if (outer && !resumed.isEmpty()) {
                drainResumed();
            }
        };
    }

    /** @return this thread's reassembler (for its statistics) */
    public Reassembler reassembler() {
        return fragments.reassembler();
    }

    /** Processes one packet; the caller keeps ownership of the buffer. */
    void process(TunQueue queue, ByteBuf packet, Direction direction, Egress out) {
        counters.packetsIn.increment();
        counters.bytesIn.add(packet.readableBytes());
        (direction == Direction.INBOUND ? counters.inbound : counters.outbound).increment();
        fragments.expireIfDue(System.nanoTime());
        if (gso != null && !gso.enter(queue, packet, direction, out)) {
            return; // dropped with a counted reason, or segmented (each segment went through processSegment)
        }

        DropReason malformed = parser.parse(packet, parsed);
        if (malformed != null) {
            drops.increment(malformed);
            counters.dropsMalformed.increment();
            return;
        }
        if (parsed.trailingBytes() > 0) {
            // Link-layer padding beyond the IP length is not part of the packet (the kernel trims it too).
            packet.writerIndex(parsed.ipEnd());
        }
        if (parsed.isFragment()) {
            if ((parsed.fragmentOffset() != 0 || parsed.moreFragments())
                    && hook.decideFragment(parsed, direction) != Verdict.PERMIT) {
                counters.dropsByVerdict.increment();
                return;
            }
            ReassemblyResult r = fragments.offer(packet);
            switch (r.kind()) {
                case HELD -> {
                    counters.fragmentsConsumed.increment();
                    return;
                }
                case DISCARDED -> {
                    counters.dropsFragment.increment();
                    return;
                }
                case COMPLETE -> {
                    counters.fragmentsConsumed.increment();
                    counters.datagramsReassembled.increment();
                    ByteBuf datagram = r.datagram();
                    try {
                        processReassembled(queue, datagram, direction, out, r.maxFragmentSize(), r.identification());
                    } finally {
                        datagram.release();
                    }
                    return;
                }
                case NOT_A_FRAGMENT -> {
                    // an IPv6 atomic fragment (offset 0, no more fragments): an ordinary packet (RFC 6946)
                }
            }
        }
        if (hook.decide(parsed, direction) != Verdict.PERMIT) {
            counters.dropsByVerdict.increment();
            return;
        }
        emit(queue, packet, out, 0, 0, false);
    }

    /**
     * Accepts an injection from the callout runtime (any thread, never blocks). Stream injection needs the stream
     * layer runtime, which this pipeline does not have: refused.
     */
    @Override
    public CalloutStatus inject(InjectedPacket p) {
        if (p.type() == InjectionType.STREAM) {
            counters.injectionsRefused.increment();
            return CalloutStatus.REFUSED;
        }
        if (!injections.offer(p)) {
            counters.injectionsRefused.increment();
            return CalloutStatus.INSUFFICIENT_RESOURCES;
        }
        counters.injectionsAccepted.increment();
        return CalloutStatus.SUCCESS;
    }

    /**
     * Processes the waiting injections (at most one queue's worth per call, so a callout that keeps re-injecting
     * cannot starve the TUN reads). Call only on the packet thread; the pipeline calls it after every packet and
     * from its executor's wakeups.
     *
     * @return injections processed
     */
    public int drainInjections() {
        if (draining) {
            return 0; // a completion routine called back into us: the outer drain continues
        }
        draining = true;
        boolean outer = !busy;
        busy = true;
        int n = 0;
        try {
            InjectedPacket p;
            while (n < injections.capacity() && (p = injections.poll()) != null) {
                n++;
                processInjected(p);
            }
        } finally {
            draining = false;
            busy = !outer;
        }
        if (outer) {
            flushHookOutput();
        }
        if (!injections.isEmpty()) {
            injections.wakeUp();
        }
        if (outer && !resumed.isEmpty()) {
            drainResumed();
        }
        return n;
    }

    /**
     * Takes back a packet the verdict hook held while its classification was pended (packet thread only). It is
     * processed like a packet read again - counted in {@link PipelineCounters#packetsIn()} and
     * {@link PipelineCounters#resumed()} - but decided by {@link VerdictHook#decideResumed}; if a packet is being
     * processed it waits until that one is done.
     */
    @Override
    public void resume(ByteBuf packet, Direction direction, Object token) {
        resumed.add(new Resumed(packet, direction, token));
        if (!busy) {
            drainResumed();
        }
    }

    private void drainResumed() {
        Resumed r;
        while (!busy && (r = resumed.poll()) != null) {
            busy = true;
            try {
                processResumed(r);
            } finally {
                r.packet().release();
                busy = false;
            }
            flushHookOutput(); // segments the stream layer rebuilt for the resumed packet
            if (!injections.isEmpty()) {
                drainInjections();
            }
        }
    }

    private void processResumed(Resumed r) {
        ByteBuf packet = r.packet();
        counters.packetsIn.increment();
        counters.resumed.increment();
        counters.bytesIn.add(packet.readableBytes());
        (r.direction() == Direction.INBOUND ? counters.inbound : counters.outbound).increment();
        DropReason malformed = parser.parse(packet, parsed);
        if (malformed != null) {
            drops.increment(malformed);
            counters.dropsMalformed.increment();
            return;
        }
        // The held copy lost its vnet header: a checksum the TUN left partial (CHECKSUM_PARTIAL) must be completed
        // here, or the receiver drops the packet. Our own copy, so writable.
        PacketChecksums.writeAll(parsed);
        if (hook.decideResumed(parsed, r.direction(), r.token()) != Verdict.PERMIT) {
            counters.dropsByVerdict.increment();
            return;
        }
        emit(lastQueue[r.direction().ordinal()], packet, egress.get(r.direction()), 0, 0, false);
    }

    private void processInjected(InjectedPacket p) {
        CalloutStatus status = CalloutStatus.INVALID_PARAMETER;
        ByteBuf packet = null;
        try {
            // Frames read with a vnet header may carry partial checksums (CHECKSUM_PARTIAL): clones of them need
            // their checksums completed, in a copy of their own since the bytes are shared with the original.
            packet = InjectedBytes.wholePacket(p, alloc, gso != null);
            status = reenter(p, packet);
        } catch (RuntimeException e) { // bad bytes from a callout: a counted drop, never an escaped exception
            counters.injectedMalformed.increment();
        } finally {
            if (packet != null && packet != p.data()) {
                packet.release();
            }
            p.complete(status); // exactly once; releases the injection's data
        }
    }

    private CalloutStatus reenter(InjectedPacket p, ByteBuf packet) {
        DropReason malformed = parser.parse(packet, parsed);
        if (malformed != null) {
            drops.increment(malformed);
            counters.injectedMalformed.increment();
            return CalloutStatus.INVALID_PARAMETER;
        }
        if (parsed.trailingBytes() > 0) {
            packet.writerIndex(parsed.ipEnd());
        }
        if (packet != p.data()) {
            // Our own copy: the header may have been rebuilt (transport send) or the checksum left partial by a TUN
            // offload; the kernel gets complete checksums (§4.6 P1-P2).
            PacketChecksums.writeAll(parsed);
        }
        Direction direction = switch (p.type()) {
            case NETWORK_SEND, TRANSPORT_SEND -> Direction.OUTBOUND;
            case NETWORK_RECEIVE, TRANSPORT_RECEIVE -> Direction.INBOUND;
            default -> p.direction() == io.calloutd.engine.Direction.OUTBOUND ? Direction.OUTBOUND : Direction.INBOUND;
        };
        if (p.type() != InjectionType.FORWARD // forward injection is never classified again (§4.2, check 34)
                && hook.decideInjected(parsed, direction, p.tag(), p.type()) != Verdict.PERMIT) {
            counters.injectedBlocked.increment();
            return CalloutStatus.SUCCESS; // delivered to the classification, which dropped or absorbed it
        }
        if (direction == Direction.OUTBOUND
                && (p.direction() == io.calloutd.engine.Direction.INBOUND || packet != p.data())) {
            // An inbound packet turned around into the send path, or headers the runtime rewrote: IP and transport
            // header rebuilt contiguous and 8-byte aligned before the send path sees them (§4.6). Valid until
            // the next rebuild, which is after this emit.
            ByteBuf before = packet;
            packet = rebuilder.rebuild(packet);
            if (packet != before) {
                counters.headersRebuilt.increment();
                parser.parse(packet, parsed); // same bytes; the views must point at the aligned copy
            }
        }
        emittingInjected = true;
        try {
            return emit(lastQueue[direction.ordinal()], packet, egress.get(direction), 0, 0, false)
                    ? CalloutStatus.SUCCESS : CalloutStatus.REFUSED;
        } finally {
            emittingInjected = false;
        }
    }

    private void processReassembled(TunQueue queue, ByteBuf datagram, Direction direction, Egress out,
                                    int maxFragmentSize, int identification) {
        DropReason malformed = parser.parse(datagram, parsed);
        if (malformed != null) {
            drops.increment(malformed);
            counters.datagramsDropped.increment();
            return;
        }
        if (hook.decideReassembled(parsed, direction) != Verdict.PERMIT) {
            counters.datagramsDropped.increment();
            return;
        }
        emit(queue, datagram, out, maxFragmentSize, identification, true);
    }

    /** A segment cut from a super-frame by the GSO stage: decided and sent on like a packet read from the TUN. */
    private void processSegment(TunQueue queue, ByteBuf segment, Direction direction, Egress out) {
        DropReason malformed = parser.parse(segment, parsed);
        if (malformed != null) {
            drops.increment(malformed);
            counters.dropsMalformed.increment();
            return;
        }
        if (hook.decide(parsed, direction) != Verdict.PERMIT) {
            counters.dropsByVerdict.increment();
            return;
        }
        emit(queue, segment, out, 0, 0, false);
    }

    /** @return true if every byte reached the kernel */
    private boolean emit(TunQueue queue, ByteBuf packet, Egress out, int maxFragmentSize, int identification, boolean reassembled) {
        int version = parsed.ipVersion();
        if (gso != null && gso.passesWhole(packet)) {
            return inject(queue, packet, version, out, false); // the kernel segments it to gso_size, checked against the MTU
        }
        List<ByteBuf> pieces = fragments.pieces();
        FragmentationResult fit = fragments.fit(packet, version, out.mtu(), maxFragmentSize, identification, pieces);
        switch (fit.outcome()) {
            case FITS -> {
                return inject(queue, packet, version, out, reassembled);
            }
            case FRAGMENTED -> {
                boolean all = true;
                try {
                    for (ByteBuf piece : pieces) {
                        counters.fragmentsOut.increment();
                        all &= inject(queue, piece, version, out, reassembled);
                    }
                    return all;
                } finally {
                    for (ByteBuf piece : pieces) {
                        piece.release();
                    }
                    pieces.clear();
                }
            }
            case FRAGMENTATION_NEEDED, PACKET_TOO_BIG -> {
                tooBig(reassembled).increment();
                ByteBuf error = fragments.tooBig(packet, version, fit.mtu(), out);
                if (error != null) {
                    try {
                        // From the firewall's own address: only the send path accepts a local source.
                        if (injector.injectSend(error, version) == InjectionResult.INJECTED) {
                            counters.icmpErrorsSent.increment();
                        }
                    } finally {
                        error.release();
                    }
                }
                return false;
            }
            default -> { // MALFORMED
                (emittingHook ? counters.hookFailed : emittingInjected ? counters.injectedMalformed
                        : reassembled ? counters.datagramsDropped : counters.dropsMalformed).increment();
                return false;
            }
        }
    }

    private java.util.concurrent.atomic.LongAdder tooBig(boolean reassembled) {
        return emittingHook ? counters.hookFailed : emittingInjected ? counters.injectedTooBig : reassembled ? counters.datagramsDropped : counters.dropsTooBig;
    }

    private boolean inject(TunQueue queue, ByteBuf packet, int version, Egress out, boolean reassembled) {
        int length = packet.readableBytes();
        InjectionResult result = out.path() == InjectionPath.RECEIVE
                ? injector.injectReceive(queue, packet)
                : injector.injectSend(packet, version);
        if (result == InjectionResult.INJECTED) {
            if (emittingInjected) {
                counters.injectedOut.increment();
            } else if (emittingHook) {
                counters.hookOut.increment();
            }
            counters.packetsOut.increment();
            counters.bytesOut.add(length);
            (out.path() == InjectionPath.RECEIVE ? counters.reinjectedReceivePath : counters.reinjectedSendPath).increment();
            if (reassembled) {
                counters.reassembledOut.increment();
            }
            return true;
        }
        (emittingHook ? counters.hookFailed : emittingInjected ? counters.injectedFailed : reassembled ? counters.datagramsDropped
                : counters.dropsInjectionFailed).increment();
        return false;
    }

    /** Releases every datagram still waiting for fragments. */
    @Override
    public void close() {
        hookOutput.clear();
        Resumed r;
        while ((r = resumed.poll()) != null) {
            r.packet().release();
        }
        InjectedPacket p;
        while ((p = injections.poll()) != null) {
            p.complete(CalloutStatus.REFUSED); // never written: the pipeline is going away
        }
        fragments.close();
    }
}
