package io.calloutd.gso;

import io.calloutd.nativebridge.VirtioNetHeader;
import io.calloutd.packet.DropReason;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * What the pipeline calls for each read from a TUN opened with {@code IFF_VNET_HDR}: classifies the
 * frame (virtio_net_hdr + IP packet), strips or restores the header, completes a partial checksum and
 * segments super-frames. Reusable and allocation-free (except the segment buffers); one per worker
 * thread. Nothing here throws on bad input: problems come back as a {@link GsoDropReason}.
 *
 * <p>Typical use:
 * <pre>{@code
 * switch (frame.wrap(buf)) {
 *   case INVALID -> count(frame.dropReason());
 *   case PLAIN -> handle(frame.stripHeader());
 *   case NEEDS_CHECKSUM -> { frame.completeChecksum(); handle(frame.stripHeader()); }
 *   case GSO -> { ... parse frame.stripHeader(), filter; if unchanged: pass it back whole,
 *                 else frame.segment(parsed, sink) }
 * }
 * }</pre>
 *
 * <p>Writing back to a vnet TUN needs a header before every packet:
 * <ul>
 * <li>A complete packet with a valid checksum (a plain packet, a segment, a packet after
 *     {@link #completeChecksum()}): an all-zero header (GSO_NONE) — {@link VnetHeader#prependNone}
 *     writes it into the headroom (segments get headroom from the segmenter's {@code headroom}).</li>
 * <li><b>Pass it back whole when nothing changed</b>: a super-frame (or NEEDS_CSUM packet) whose bytes
 *     the callouts did not modify can be written back with its <em>original</em> header
 *     ({@link #restoreHeader()}): the kernel then segments and checksums it itself, the cheapest path.
 *     Only valid while the pseudo-header sum in the transport checksum field still matches the
 *     addresses and length: after any rewrite, segment (or complete the checksum) instead.</li>
 * <li>To write to a TUN without vnet header, or hand to a callout: strip the header; a NEEDS_CSUM
 *     packet must be completed first, a super-frame segmented (it exceeds the MTU).</li>
 * </ul>
 */
public final class GsoFrame {

    /** How a frame is to be treated. */
    public enum Kind {
        /** GSO_NONE without NEEDS_CSUM: a complete IP packet. */
        PLAIN,
        /** GSO_NONE with NEEDS_CSUM: the transport checksum holds only the pseudo-header sum. */
        NEEDS_CHECKSUM,
        /** A super-frame: see {@link #gsoType()}, {@link #gsoSize()}, {@link #segment}. */
        GSO,
        /** Refused: see {@link #dropReason()}. */
        INVALID
    }

    private final VnetHeader header = new VnetHeader();
    private final TcpSegmenter tcp;
    private final UdpSegmenter udp;
    private final PacketParser parser = new PacketParser();
    private final ParsedPacket parsed = new ParsedPacket();
    private ByteBuf frame;
    private int headerIndex;
    private Kind kind = Kind.INVALID;
    private GsoDropReason dropReason;
    private DropReason packetDropReason;

    /**
     * @param allocator source of segment buffers (use a pooled allocator)
     * @param segmentHeadroom bytes reserved before each segment ({@link VnetHeader#SIZE} to write
     *     segments to a vnet TUN with {@link VnetHeader#prependNone} without copying)
     */
    public GsoFrame(ByteBufAllocator allocator, int segmentHeadroom) {
        this.tcp = new TcpSegmenter(allocator, segmentHeadroom);
        this.udp = new UdpSegmenter(allocator, segmentHeadroom);
    }

    /**
     * Points at {@code frame}, whose readable bytes are a virtio_net_hdr followed by an IP packet, and
     * validates the header. Indices of {@code frame} are not changed.
     *
     * @return the frame's kind ({@link Kind#INVALID} with {@link #dropReason()} set if refused)
     */
    public Kind wrap(ByteBuf frame) {
        this.frame = frame;
        this.headerIndex = frame.readerIndex();
        this.packetDropReason = null;
        int packetLength = frame.readableBytes() - VnetHeader.SIZE;
        if (packetLength < 0) {
            return invalid(GsoDropReason.VNET_HEADER_TRUNCATED);
        }
        header.wrap(frame, headerIndex);
        GsoDropReason r = header.validate(packetLength);
        if (r != null) {
            return invalid(r);
        }
        dropReason = null;
        if (header.isGso()) {
            kind = Kind.GSO;
        } else {
            kind = header.needsChecksum() ? Kind.NEEDS_CHECKSUM : Kind.PLAIN;
        }
        return kind;
    }

    private Kind invalid(GsoDropReason reason) {
        dropReason = reason;
        kind = Kind.INVALID;
        return kind;
    }

    /** The kind found by the last {@link #wrap}. */
    public Kind kind() { return kind; }
    /** Why the last frame (or the last {@link #segment}) was refused; null if it was not. */
    public GsoDropReason dropReason() { return dropReason; }
    /** The parser's reason when {@link #segment(SegmentSink)} returned MALFORMED_PACKET, else null. */
    public DropReason packetDropReason() { return packetDropReason; }
    /** The header view (valid unless the frame was shorter than the header). */
    public VnetHeader header() { return header; }
    /** gso_type without the ECN bit ({@code VirtioNetHeader.GSO_*}). */
    public int gsoType() { return header.gsoType(); }
    /** gso_size: payload bytes per segment. */
    public int gsoSize() { return header.gsoSize(); }
    /** Absolute index of the IP packet (just after the header). */
    public int packetIndex() { return headerIndex + VnetHeader.SIZE; }

    /** Moves the frame's reader index to the IP packet and returns the frame (no copy, no slice). */
    public ByteBuf stripHeader() {
        frame.readerIndex(packetIndex());
        return frame;
    }

    /** Moves the reader index back to the header, e.g. to pass a frame back to the kernel whole. */
    public ByteBuf restoreHeader() {
        frame.readerIndex(headerIndex);
        return frame;
    }

    /**
     * Completes the partial checksum of a {@link Kind#NEEDS_CHECKSUM} (or GSO) frame in place and
     * clears NEEDS_CSUM in the header, so the restored header stays truthful. Does nothing and returns
     * null if NEEDS_CSUM is not set.
     *
     * @return null on success, otherwise the reason (nothing written)
     */
    public GsoDropReason completeChecksum() {
        if (kind == Kind.INVALID) {
            return dropReason;
        }
        if (!header.needsChecksum()) {
            return null;
        }
        int saved = frame.readerIndex();
        frame.readerIndex(packetIndex());
        GsoDropReason r = PartialChecksum.complete(frame, header.csumStart(), header.csumOffset());
        frame.readerIndex(saved);
        if (r == null) {
            header.setFlags(header.flags() & ~VirtioNetHeader.FLAG_NEEDS_CSUM);
        }
        return r;
    }

    /**
     * Segments this GSO frame, parsing its IP packet with an internal parser.
     *
     * @return null when all segments went to {@code sink}; otherwise the reason, also in
     *     {@link #dropReason()} (for MALFORMED_PACKET the parser's reason is in {@link #packetDropReason()})
     * @throws IllegalStateException if the frame is not {@link Kind#GSO}
     */
    public GsoDropReason segment(SegmentSink sink) {
        requireGso();
        int saved = frame.readerIndex();
        frame.readerIndex(packetIndex());
        DropReason r = parser.parse(frame, parsed);
        frame.readerIndex(saved);
        if (r != null) {
            packetDropReason = r;
            return dropReason = GsoDropReason.MALFORMED_PACKET;
        }
        return segment(parsed, sink);
    }

    /**
     * Segments this GSO frame given its IP packet already parsed by the caller (saves a second parse).
     *
     * @param packet this frame's IP packet as parsed after {@link #stripHeader()}
     * @return null when all segments went to {@code sink}; otherwise the reason, also in {@link #dropReason()}
     * @throws IllegalStateException if the frame is not {@link Kind#GSO}
     */
    public GsoDropReason segment(ParsedPacket packet, SegmentSink sink) {
        requireGso();
        Segmenter segmenter;
        switch (header.gsoType()) {
            case VirtioNetHeader.GSO_TCPV4:
                segmenter = packet.ipVersion() == 4 ? tcp : null;
                break;
            case VirtioNetHeader.GSO_TCPV6:
                segmenter = packet.ipVersion() == 6 ? tcp : null;
                break;
            case VirtioNetHeader.GSO_UDP_L4:
                segmenter = udp;
                break;
            default:
                return dropReason = GsoDropReason.UNSUPPORTED_GSO_TYPE;
        }
        if (segmenter == null) {
            return dropReason = GsoDropReason.GSO_TYPE_MISMATCH;
        }
        return dropReason = segmenter.segment(packet, header.gsoSize(), sink);
    }

    private void requireGso() {
        if (kind != Kind.GSO) {
            throw new IllegalStateException("not a GSO frame: " + kind);
        }
    }
}
