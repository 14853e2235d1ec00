package io.calloutd.fragment;

import io.calloutd.checksum.Ipv4Checksums;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * Splits IPv4 and IPv6 datagrams into fragments on reinjection (M-5). One instance per thread (it keeps a
 * scratch array). The input buffer is never modified nor released; fragments are new buffers owned by the
 * caller.
 *
 * <p>Size rule (as Linux after defragmentation): fragments are at most {@code min(egressMtu,
 * maxFragmentSize)} bytes, where {@code maxFragmentSize} is {@link ReassemblyResult#maxFragmentSize()} (0
 * when the packet was not reassembled), so a reassembled datagram leaves in pieces no larger than the
 * sender's own.
 */
public final class Fragmenter {
    private static final int IPV4_MIN_MTU = 68;
    private static final int IPV6_MIN_MTU = 1280;
    private final ByteBufAllocator alloc;
    private final byte[] copiedOptions = new byte[40];

    /** @param alloc allocator for the fragments */
    public Fragmenter(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /**
     * Fragments an IPv4 datagram (readable bytes start with the IP header). With DF set, a datagram larger
     * than {@code egressMtu} gives {@link FragmentationResult.Outcome#FRAGMENTATION_NEEDED}; a DF datagram
     * that fits the MTU is sent whole even if larger than {@code maxFragmentSize}.
     *
     * @param egressMtu       MTU of the outgoing link (at least 68)
     * @param maxFragmentSize largest fragment seen at reassembly, or 0
     * @param out             receives the fragments in offset order
     */
    public FragmentationResult fragmentV4(ByteBuf datagram, int egressMtu, int maxFragmentSize, List<ByteBuf> out) {
        if (egressMtu < IPV4_MIN_MTU) {
            throw new IllegalArgumentException("IPv4 MTU below 68: " + egressMtu);
        }
        int start = datagram.readerIndex();
        int readable = datagram.readableBytes();
        if (readable < 20 || (datagram.getUnsignedByte(start) >>> 4) != 4) {
            return FragmentationResult.MALFORMED;
        }
        int ihl = (datagram.getUnsignedByte(start) & 0x0f) * 4;
        int length = datagram.getUnsignedShort(start + 2);
        if (ihl < 20 || length < ihl || length > readable) {
            return FragmentationResult.MALFORMED;
        }
        int limit = maxFragmentSize > 0 ? Math.min(egressMtu, maxFragmentSize) : egressMtu;
        int flagsOffset = datagram.getUnsignedShort(start + 6);
        if ((flagsOffset & 0x4000) != 0) {
            return length <= egressMtu ? FragmentationResult.FITS
                    : new FragmentationResult(FragmentationResult.Outcome.FRAGMENTATION_NEEDED, egressMtu);
        }
        if (length <= limit) {
            return FragmentationResult.FITS;
        }
        int copiedLength = collectCopiedOptions(datagram, start, ihl);
        if (copiedLength < 0) {
            return FragmentationResult.MALFORMED;
        }
        int laterHeader = 20 + copiedLength;
        int firstChunk = (limit - ihl) & ~7;
        int laterChunk = (limit - laterHeader) & ~7;
        if (firstChunk < 8 || laterChunk < 8) {
            return FragmentationResult.MALFORMED; // headers leave no room for 8 data bytes at this size
        }
        int baseOffset = (flagsOffset & 0x1fff) << 3;
        boolean originalMore = (flagsOffset & 0x2000) != 0;
        int dataLength = length - ihl;
        int position = 0;
        while (position < dataLength) {
            boolean first = position == 0;
            int headerLength = first ? ihl : laterHeader;
            int chunk = Math.min(first ? firstChunk : laterChunk, dataLength - position);
            boolean last = position + chunk == dataLength;
            int total = headerLength + chunk;
            ByteBuf frag = alloc.directBuffer(total, total);
            if (first) {
                frag.writeBytes(datagram, start, ihl);
            } else {
                frag.writeBytes(datagram, start, 20);
                frag.writeBytes(copiedOptions, 0, copiedLength);
                frag.setByte(0, 0x40 | (laterHeader / 4));
            }
            frag.setShort(2, total);
            int offsetUnits = (baseOffset + position) >>> 3;
            frag.setShort(6, (last && !originalMore ? 0 : 0x2000) | offsetUnits);
            frag.writeBytes(datagram, start + ihl + position, chunk);
            Ipv4Checksums.write(frag, 0);
            out.add(frag);
            position += chunk;
        }
        return FragmentationResult.FRAGMENTED;
    }

    /** Copies options whose copy flag is set (RFC 791) into the scratch array, padded to 4; -1 if malformed. */
    private int collectCopiedOptions(ByteBuf buf, int start, int ihl) {
        int n = 0;
        int pos = start + 20;
        int end = start + ihl;
        while (pos < end) {
            int type = buf.getUnsignedByte(pos);
            if (type == 0) {
                break; // end of option list
            }
            if (type == 1) {
                pos++; // NOP, never copied
                continue;
            }
            if (pos + 1 >= end) {
                return -1;
            }
            int len = buf.getUnsignedByte(pos + 1);
            if (len < 2 || pos + len > end) {
                return -1;
            }
            if ((type & 0x80) != 0) {
                buf.getBytes(pos, copiedOptions, n, len);
                n += len;
            }
            pos += len;
        }
        while ((n & 3) != 0) {
            copiedOptions[n++] = 0;
        }
        return n;
    }

    /**
     * Fragments an IPv6 packet with a fragment header carrying {@code identification} (reuse the id from
     * {@link ReassemblyResult#identification()}). Only packets that arrived fragmented may be fragmented here
     * ({@code maxFragmentSize > 0}); otherwise a packet larger than the MTU, or a reassembled one whose
     * sender's fragments exceed the MTU, gives {@link FragmentationResult.Outcome#PACKET_TOO_BIG} (RFC 8200:
     * routers do not fragment).
     *
     * @param egressMtu       MTU of the outgoing link (at least 1280)
     * @param maxFragmentSize largest fragment seen at reassembly, or 0 if the packet was not fragmented
     * @param identification  fragment identification to put in every fragment header
     * @param out             receives the fragments in offset order
     */
    public FragmentationResult fragmentV6(ByteBuf datagram, int egressMtu, int maxFragmentSize, int identification,
                                          List<ByteBuf> out) {
        if (egressMtu < IPV6_MIN_MTU) {
            throw new IllegalArgumentException("IPv6 MTU below 1280: " + egressMtu);
        }
        int start = datagram.readerIndex();
        int readable = datagram.readableBytes();
        if (readable < 40 || (datagram.getUnsignedByte(start) >>> 4) != 6) {
            return FragmentationResult.MALFORMED;
        }
        int length = 40 + datagram.getUnsignedShort(start + 4);
        if (length > readable || length == 40) {
            return FragmentationResult.MALFORMED;
        }
        if (maxFragmentSize <= 0 || maxFragmentSize > egressMtu) {
            return length <= egressMtu ? FragmentationResult.FITS
                    : new FragmentationResult(FragmentationResult.Outcome.PACKET_TOO_BIG, egressMtu);
        }
        if (length <= maxFragmentSize) {
            return FragmentationResult.FITS;
        }
        // Unfragmentable part: IPv6 header, hop-by-hop, and destination options/routing up to the last routing
        // header (RFC 8200 4.5); destination options after routing belong to the fragmentable part.
        int unfragmentable = 40;
        int prevNextHeader = 6;
        int pos = start + 40;
        int nh = datagram.getUnsignedByte(start + 6);
        while (nh == FragmentParser.NH_HOP_BY_HOP || nh == FragmentParser.NH_ROUTING
                || nh == FragmentParser.NH_DEST_OPTS) {
            if (pos + 8 > start + length) {
                return FragmentationResult.MALFORMED;
            }
            int headerEnd = pos + (datagram.getUnsignedByte(pos + 1) + 1) * 8;
            if (nh != FragmentParser.NH_DEST_OPTS) {
                unfragmentable = headerEnd - start;
                prevNextHeader = pos - start;
            }
            nh = datagram.getUnsignedByte(pos);
            pos = headerEnd;
        }
        if (nh == FragmentParser.NH_FRAGMENT || unfragmentable > length) {
            return FragmentationResult.MALFORMED; // already a fragment, or truncated
        }
        int chunkLimit = (maxFragmentSize - unfragmentable - 8) & ~7;
        if (chunkLimit < 8) {
            return FragmentationResult.MALFORMED;
        }
        int fragmentNextHeader = datagram.getUnsignedByte(start + prevNextHeader);
        int dataLength = length - unfragmentable;
        int position = 0;
        while (position < dataLength) {
            int chunk = Math.min(chunkLimit, dataLength - position);
            boolean last = position + chunk == dataLength;
            int total = unfragmentable + 8 + chunk;
            ByteBuf frag = alloc.directBuffer(total, total);
            frag.writeBytes(datagram, start, unfragmentable);
            frag.setShort(4, total - 40);
            frag.setByte(prevNextHeader, FragmentParser.NH_FRAGMENT);
            frag.writeByte(fragmentNextHeader);
            frag.writeByte(0);
            frag.writeShort(position | (last ? 0 : 1));
            frag.writeInt(identification);
            frag.writeBytes(datagram, start + unfragmentable + position, chunk);
            out.add(frag);
            position += chunk;
        }
        return FragmentationResult.FRAGMENTED;
    }
}
