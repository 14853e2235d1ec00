package io.calloutd.fragment;

import io.calloutd.checksum.Ipv4Checksums;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Copies a complete set of fragments into one new buffer with a rebuilt IP header. */
final class DatagramAssembler {
    private final ByteBufAllocator alloc;

    DatagramAssembler(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /** The reassembled datagram, or null if it would exceed the 65535-byte IP limit. */
    ByteBuf assemble(PendingDatagram d) {
        ByteBuf first = d.buffers[0];
        int firstIp = d.ipStart[0];
        int headerLength = d.firstHeaderLength;
        int total = headerLength + d.totalLength;
        ByteBuf out;
        if (d.family == 4) {
            if (total > 65535) {
                return null;
            }
            out = alloc.directBuffer(total, total);
            out.writeBytes(first, firstIp, headerLength);
            rebuildV4Header(out, total);
        } else {
            if (total - 40 > 65535) {
                return null;
            }
            out = alloc.directBuffer(total, total);
            out.writeBytes(first, firstIp, headerLength);
            rebuildV6Header(out, total, d.firstPrevNextHeaderOffset, d.firstFragmentNextHeader);
        }
        for (int i = 0; i < d.count; i++) {
            out.writeBytes(d.buffers[i], d.payloadIndex[i], d.ends[i] - d.offsets[i]);
        }
        return out;
    }

    /** An IPv6 atomic fragment as a plain datagram: the fragment header is removed (RFC 6946). */
    ByteBuf atomic(ByteBuf packet, ParsedFragment f) {
        int total = f.headerLength + f.payloadLength;
        ByteBuf out = alloc.directBuffer(total, total);
        out.writeBytes(packet, f.ipStart, f.headerLength);
        rebuildV6Header(out, total, f.prevNextHeaderOffset, f.fragmentNextHeader);
        out.writeBytes(packet, f.payloadIndex, f.payloadLength);
        return out;
    }

    private static void rebuildV4Header(ByteBuf out, int total) {
        out.setShort(2, total);
        // Keep DF and the reserved bit; clear MF and the offset.
        out.setShort(6, out.getUnsignedShort(6) & 0xc000);
        Ipv4Checksums.write(out, 0);
    }

    private static void rebuildV6Header(ByteBuf out, int total, int prevNextHeaderOffset, int nextHeader) {
        out.setShort(4, total - 40);
        out.setByte(prevNextHeaderOffset, nextHeader);
    }
}
