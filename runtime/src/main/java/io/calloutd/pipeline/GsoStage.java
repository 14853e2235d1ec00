package io.calloutd.pipeline;

import io.calloutd.gso.GsoDropReason;
import io.calloutd.gso.GsoFrame;
import io.calloutd.gso.SegmentSink;
import io.calloutd.gso.VnetHeader;
import io.calloutd.inject.InjectionPath;
import io.calloutd.inject.InjectionResult;
import io.calloutd.inject.PacketInjector;
import io.calloutd.nativebridge.TunQueue;
import io.calloutd.nativebridge.VirtioNetHeader;
import io.calloutd.packet.IpProtocols;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The pipeline's entry and exit for TUNs opened with a vnet header ({@code IFF_VNET_HDR}); one per packet thread.
 *
 * <p>Entry ({@link #enter}): every frame read starts with a {@code virtio_net_hdr}. Invalid headers are dropped
 * with a {@link GsoDropReason}. A plain packet goes on with the header stripped. A partial (NEEDS_CSUM) checksum
 * is completed only if the packet will leave by a path that cannot carry the header (the raw socket), must be
 * refragmented, or the verdict hook asks for complete checksums (callouts that rewrite or copy packets). A super-frame is classified once, by its headers, and handed back whole — unless the egress cannot
 * take it (raw socket), its segments would not fit the egress MTU, or the verdict hook asks for per-segment
 * decisions: then it is segmented in software here and every segment runs through the pipeline on its own.
 *
 * <p>Exit: as the pipeline's {@link PacketInjector}, writes to a TUN get their header back — the original one for
 * a frame passed on unchanged (so the kernel segments and checksums it), an all-zero one (a complete packet) for
 * everything else; other packets go to the real injector untouched.
 */
final class GsoStage implements PacketInjector, SegmentSink {
    /** Runs one segment through the rest of the pipeline (parse, decide, fit, inject); does not release it. */
    @FunctionalInterface
    interface SegmentHandler {
        void process(TunQueue queue, ByteBuf segment, Direction direction, Egress out);
    }

    private final VerdictHook hook;
    private final PacketInjector injector;
    private final GsoCounters counters;
    private final ByteBufAllocator alloc;
    private final SegmentHandler segments;
    private final GsoFrame frame;
    private final PacketParser parser = new PacketParser();
    private final ParsedPacket superFrame = new ParsedPacket();
    // State of the frame in process; reset by every enter(), so a recycled buffer object can never match a stale one.
    private ByteBuf frameBuf;
    private boolean passWhole;
    private ByteBuf segmentBuf;
    private TunQueue sinkQueue;
    private Direction sinkDirection;
    private Egress sinkOut;

    GsoStage(VerdictHook hook, PacketInjector injector, GsoCounters counters, ByteBufAllocator alloc,
             SegmentHandler segments) {
        this.hook = hook;
        this.injector = injector;
        this.counters = counters;
        this.alloc = alloc;
        this.segments = segments;
        this.frame = new GsoFrame(alloc, VnetHeader.SIZE);
    }

    /**
     * Takes a frame as read from a vnet-header TUN.
     *
     * @return true when the pipeline goes on with {@code buf} (now positioned at the IP packet); false when the
     *         frame was consumed here: dropped with a counted reason, or segmented and its segments processed
     */
    boolean enter(TunQueue queue, ByteBuf buf, Direction direction, Egress out) {
        frameBuf = null;
        passWhole = false;
        switch (frame.wrap(buf)) {
            case INVALID -> {
                counters.drop(frame.dropReason());
                return false;
            }
            case GSO -> {
                return enterSuperFrame(queue, buf, direction, out);
            }
            case NEEDS_CHECKSUM -> {
                if (!carriesHeader(out) || buf.readableBytes() - VnetHeader.SIZE > out.mtu()
                        || hook.needsCompleteChecksums()) {
                    GsoDropReason r = frame.completeChecksum();
                    if (r != null) {
                        counters.drop(r);
                        return false;
                    }
                    counters.checksumsCompleted.increment();
                }
            }
            case PLAIN -> {
                // goes on as it is
            }
        }
        frameBuf = buf;
        frame.stripHeader();
        return true;
    }

    private boolean enterSuperFrame(TunQueue queue, ByteBuf buf, Direction direction, Egress out) {
        counters.superFrames.increment();
        frame.stripHeader();
        if (parser.parse(buf, superFrame) != null) {
            counters.drop(GsoDropReason.MALFORMED_PACKET);
            return false;
        }
        GsoDropReason unfit = mismatch(superFrame);
        if (unfit != null) {
            counters.drop(unfit);
            return false;
        }
        int segmentBytes = superFrame.payloadOffset() - superFrame.networkOffset() + frame.gsoSize();
        if (carriesHeader(out) && segmentBytes <= out.mtu() && !hook.needsSegments(superFrame, direction)) {
            frameBuf = buf;
            passWhole = true;
            return true;
        }
        sinkQueue = queue;
        sinkDirection = direction;
        sinkOut = out;
        GsoDropReason refused;
        try {
            refused = frame.segment(superFrame, this);
        } finally {
            sinkQueue = null;
            sinkDirection = null;
            sinkOut = null;
        }
        if (refused != null) {
            counters.drop(refused);
        } else {
            counters.segmented.increment();
        }
        return false;
    }

    /** The checks the segmenter would make, made before passing a frame on whole. */
    private GsoDropReason mismatch(ParsedPacket p) {
        boolean matches;
        switch (frame.gsoType()) {
            case VirtioNetHeader.GSO_TCPV4 -> matches = p.ipVersion() == 4 && p.transportProtocol() == IpProtocols.TCP;
            case VirtioNetHeader.GSO_TCPV6 -> matches = p.ipVersion() == 6 && p.transportProtocol() == IpProtocols.TCP;
            case VirtioNetHeader.GSO_UDP_L4 -> matches = p.transportProtocol() == IpProtocols.UDP;
            default -> {
                return GsoDropReason.UNSUPPORTED_GSO_TYPE; // legacy UFO: never enabled, so never expected
            }
        }
        if (!matches) {
            return GsoDropReason.GSO_TYPE_MISMATCH;
        }
        if (p.isFragment() || !p.hasTransportHeader()) {
            return GsoDropReason.GSO_NOT_SEGMENTABLE;
        }
        return null;
    }

    /** @return whether {@code packet} is the super-frame being passed back whole (skips MTU fitting) */
    boolean passesWhole(ByteBuf packet) {
        return passWhole && packet == frameBuf;
    }

    private static boolean carriesHeader(Egress out) {
        return out.path() == InjectionPath.RECEIVE;
    }

    @Override
    public void accept(ByteBuf segment, int index, int count) {
        counters.segments.increment();
        segmentBuf = segment;
        try {
            segments.process(sinkQueue, segment, sinkDirection, sinkOut);
        } finally {
            segmentBuf = null;
            segment.release();
        }
    }

    /** Writes the packet to the TUN queue behind a vnet header; never releases it, leaves its indices as they were. */
    @Override
    public InjectionResult injectReceive(TunQueue queue, ByteBuf packet) {
        int ri = packet.readerIndex();
        if (packet == frameBuf && ri == frame.packetIndex()) {
            if (frame.kind() == GsoFrame.Kind.PLAIN) {
                frame.header().clear(); // drop DATA_VALID: we vouch for nothing we did not check
            }
            InjectionResult r = injector.injectReceive(queue, frame.restoreHeader());
            packet.readerIndex(ri);
            if (passWhole && r == InjectionResult.INJECTED) {
                counters.passedWhole.increment();
            }
            return r;
        }
        if (packet == segmentBuf && ri >= VnetHeader.SIZE) {
            VnetHeader.prependNone(packet); // the segmenter left headroom for exactly this
            InjectionResult r = injector.injectReceive(queue, packet);
            packet.readerIndex(ri);
            return r;
        }
        // Fragments, ICMP errors, reassembled datagrams: the bytes before them are not ours to overwrite.
        int length = packet.readableBytes();
        ByteBuf copy = alloc.directBuffer(VnetHeader.SIZE + length);
        try {
            copy.writeZero(VnetHeader.SIZE).writeBytes(packet, ri, length);
            counters.headerCopies.increment();
            return injector.injectReceive(queue, copy);
        } finally {
            copy.release();
        }
    }

    /** The raw socket takes the IP packet as it is (never a super-frame or a partial checksum: see {@link #enter}). */
    @Override
    public InjectionResult injectSend(ByteBuf packet, int ipVersion) {
        return injector.injectSend(packet, ipVersion);
    }
}
