package io.calloutd.replay;

import io.calloutd.classify.ClassificationObserver;
import io.calloutd.classify.ClassifierCounters;
import io.calloutd.classify.LayerClassifier;
import io.calloutd.classify.PacketMetadata;
import io.calloutd.engine.ClassifyResult;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Verdict;
import io.calloutd.flow.FlowConfig;
import io.calloutd.fragment.ReassemblyConfig;
import io.calloutd.inject.InjectionPath;
import io.calloutd.inject.InjectionResult;
import io.calloutd.inject.PacketInjector;
import io.calloutd.nativebridge.PacketReceiver;
import io.calloutd.nativebridge.TunQueue;
import io.calloutd.packet.DropCounters;
import io.calloutd.packet.DropReason;
import io.calloutd.packet.IpProtocols;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.pipeline.Direction;
import io.calloutd.pipeline.Egress;
import io.calloutd.pipeline.PacketPipeline;
import io.calloutd.pipeline.PipelineCounters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Map;

/**
 * Runs captured packets through the same packet path the daemon uses (validation, reassembly, the
 * {@link LayerClassifier} walk over the filter engine, MTU fit) without a TUN: permitted packets go to a recording
 * injector instead of the kernel. Flow timeouts follow the capture's timestamps, so a replay decides as the live
 * daemon did. One thread; not thread-safe. Needs no privileges.
 */
public final class ReplayRunner implements AutoCloseable {
    private final FilterEngine engine;
    private final DirectionRule directions;
    private final LayerClassifier classifier;
    private final PacketPipeline pipeline;
    private final PipelineCounters counters = new PipelineCounters();
    private final PacketReceiver outbound;
    private final PacketReceiver inbound;
    private final PacketParser parser = new PacketParser();
    private final ParsedPacket parsed = new ParsedPacket();
    private final ByteBufAllocator alloc;
    private final ReplaySummary summary = new ReplaySummary();
    private long now;
    /** The deciding classification of the current packet: the first BLOCK, else the last matched filter. */
    private Layer decidingLayer;
    private long decidingFilter;
    private boolean blocked;

    /**
     * @param engine     the filter engine holding the policy
     * @param directions tells each packet's direction
     * @param flows      flow table limits and timeouts (as the daemon's)
     * @param alloc      buffer allocator
     */
    public ReplayRunner(FilterEngine engine, DirectionRule directions, FlowConfig flows, ByteBufAllocator alloc) {
        this(engine, directions, flows, alloc, null);
    }

    /**
     * As above, with the policy's callouts: {@code contextListener} (the callout registry) receives flowDelete for
     * their flow contexts; register {@link #injectionTarget()} with the callout runtime so their injections re-enter
     * this replay's pipeline.
     */
    public ReplayRunner(FilterEngine engine, DirectionRule directions, FlowConfig flows, ByteBufAllocator alloc,
                        io.calloutd.flow.FlowDeleteListener contextListener) {
        this.engine = engine;
        this.directions = directions;
        this.alloc = alloc;
        this.classifier = new LayerClassifier(engine, flows, new ClassifierCounters(), 0, contextListener);
        classifier.clock(() -> now);
        classifier.observer(this::observe);
        // Largest MTU: a capture holds what the links carried, so no packet should need fragmenting here.
        Egress out = new Egress(InjectionPath.RECEIVE, 65535, null, null);
        this.pipeline = new PacketPipeline(classifier, new DiscardingInjector(), new DropCounters(), counters,
                Map.of(Direction.OUTBOUND, out, Direction.INBOUND, out), ReassemblyConfig.DEFAULTS, alloc);
        classifier.injectionOrigin(pipeline);
        this.outbound = pipeline.receiverFor(Direction.OUTBOUND);
        this.inbound = pipeline.receiverFor(Direction.INBOUND);
    }

    private void observe(Layer layer, int flags, IncomingValues in, ClassifyResult r, PacketMetadata meta) {
        if (blocked || r.layer() != layer) {
            return; // a BLOCK already decided, or the discard twin of the layer just seen
        }
        if (r.verdict() == Verdict.BLOCK) {
            blocked = true;
            decidingLayer = layer;
            decidingFilter = r.filterId();
        } else if (r.filterId() != 0) {
            decidingLayer = layer;
            decidingFilter = r.filterId();
        }
    }

    /**
     * Decides one captured frame.
     *
     * @param index     1-based position in the capture
     * @param timeNanos capture time in nanoseconds since the epoch
     * @param linkType  the capture's link type ({@link LinkLayer})
     * @param frame     the captured bytes
     * @return what the policy did with it (also added to {@link #summary()})
     */
    public PacketVerdict process(long index, long timeNanos, int linkType, byte[] frame) {
        PacketVerdict v = decide(index, timeNanos, linkType, frame);
        summary.add(v);
        return v;
    }

    private PacketVerdict decide(long index, long timeNanos, int linkType, byte[] frame) {
        int off = LinkLayer.ipOffset(linkType, frame);
        if (off < 0) {
            return new PacketVerdict(index, timeNanos, null, 0, -1, null, -1, null, -1,
                    PacketVerdict.Outcome.SKIPPED_NOT_IP, null, null, 0, null);
        }
        ByteBuf buf = alloc.buffer(frame.length - off);
        buf.writeBytes(frame, off, frame.length - off);
        Tuple t = tuple(buf, frame, off);
        Direction d = t.src == null ? null : directions.of(t.src, t.dst);
        if (d == null) {
            buf.release();
            return verdict(index, timeNanos, null, t, PacketVerdict.Outcome.SKIPPED_NO_DIRECTION);
        }
        now = timeNanos;
        blocked = false;
        decidingLayer = null;
        decidingFilter = 0;
        long out0 = counters.packetsOut();
        long malformed0 = counters.dropsMalformed();
        long fragDrops0 = counters.dropsFragment();
        long verdictDrops0 = counters.dropsByVerdict();
        long datagramDrops0 = counters.datagramsDropped();
        long consumed0 = counters.fragmentsConsumed();
        (d == Direction.OUTBOUND ? outbound : inbound).onPacket(null, buf); // releases buf
        PacketVerdict.Outcome o;
        if (counters.packetsOut() > out0) {
            o = PacketVerdict.Outcome.PERMIT;
        } else if (counters.dropsMalformed() > malformed0) {
            o = PacketVerdict.Outcome.MALFORMED;
        } else if (counters.dropsFragment() > fragDrops0) {
            o = PacketVerdict.Outcome.FRAGMENT_DROPPED;
        } else if (blocked || counters.dropsByVerdict() > verdictDrops0) {
            o = PacketVerdict.Outcome.BLOCK; // without a BLOCK seen: a killed flow or a full flow table
        } else if (counters.datagramsDropped() > datagramDrops0) {
            o = PacketVerdict.Outcome.TOO_BIG;
        } else if (counters.fragmentsConsumed() > consumed0) {
            o = PacketVerdict.Outcome.HELD;
        } else {
            o = PacketVerdict.Outcome.TOO_BIG;
        }
        return verdict(index, timeNanos, d, t, o);
    }

    private PacketVerdict verdict(long index, long time, Direction d, Tuple t, PacketVerdict.Outcome o) {
        boolean decided = o == PacketVerdict.Outcome.PERMIT || o == PacketVerdict.Outcome.BLOCK;
        Layer layer = decided ? decidingLayer : null;
        long filter = decided ? decidingFilter : 0;
        String name = filter == 0 ? null : engine.filter(filter).map(Filter::name).orElse(null);
        return new PacketVerdict(index, time, d == null ? null : d.name(), t.version, t.protocol, text(t.src),
                t.srcPort, text(t.dst), t.dstPort, o, t.malformed == null ? null : t.malformed.name(),
                layer == null ? null : layer.name(), filter, name);
    }

    private record Tuple(int version, byte[] src, byte[] dst, int protocol, int srcPort, int dstPort, DropReason malformed) { }

    /** The 5-tuple from our own parse (the pipeline parses again); raw header bytes for a malformed packet. */
    private Tuple tuple(ByteBuf buf, byte[] frame, int off) {
        DropReason r = parser.parse(buf, parsed);
        int version = (frame[off] & 0xFF) >>> 4;
        int len = frame.length - off;
        if (r != null) {
            if (version == 4 && len >= 20) {
                return new Tuple(4, Arrays.copyOfRange(frame, off + 12, off + 16), Arrays.copyOfRange(frame, off + 16, off + 20),
                        frame[off + 9] & 0xFF, -1, -1, r);
            }
            if (version == 6 && len >= 40) {
                return new Tuple(6, Arrays.copyOfRange(frame, off + 8, off + 24), Arrays.copyOfRange(frame, off + 24, off + 40),
                        frame[off + 6] & 0xFF, -1, -1, r);
            }
            return new Tuple(version, null, null, -1, -1, -1, r);
        }
        byte[] src = version == 4 ? Arrays.copyOfRange(frame, off + 12, off + 16) : Arrays.copyOfRange(frame, off + 8, off + 24);
        byte[] dst = version == 4 ? Arrays.copyOfRange(frame, off + 16, off + 20) : Arrays.copyOfRange(frame, off + 24, off + 40);
        int proto = parsed.transportProtocol();
        int sp = -1;
        int dp = -1;
        if (parsed.hasTransportHeader() && proto == IpProtocols.TCP) {
            sp = parsed.tcp().sourcePort();
            dp = parsed.tcp().destinationPort();
        } else if (parsed.hasTransportHeader() && proto == IpProtocols.UDP) {
            sp = parsed.udp().sourcePort();
            dp = parsed.udp().destinationPort();
        }
        return new Tuple(version, src, dst, proto, sp, dp, null);
    }

    private static String text(byte[] address) {
        if (address == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            return null; // cannot happen for 4 or 16 bytes
        }
    }

    /** Where the policy's callouts inject (this replay's pipeline): add it to the callout runtime's router. */
    public io.calloutd.callout.InjectionTarget injectionTarget() {
        return pipeline;
    }

    /** What the replay decided so far. */
    public ReplaySummary summary() {
        return summary;
    }

    /** Ends every flow and frees the reassembly buffers. */
    @Override
    public void close() {
        pipeline.close();
        classifier.close();
    }

    /** Stands in for the kernel: takes every permitted packet (the pipeline keeps ownership of the buffer). */
    private static final class DiscardingInjector implements PacketInjector {
        @Override
        public InjectionResult injectReceive(TunQueue queue, ByteBuf packet) {
            return InjectionResult.INJECTED;
        }

        @Override
        public InjectionResult injectSend(ByteBuf packet, int ipVersion) {
            return InjectionResult.INJECTED;
        }
    }
}
