package io.calloutd.stream;

import io.calloutd.checksum.Ipv4Checksums;
import io.calloutd.checksum.TransportChecksums;
import io.calloutd.packet.ParsedPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The IP + TCP header of the latest segment seen in one direction, kept to build that direction's segments: data
 * re-segmented after stream edits, FINs, ACKs and window updates. SACK options are blanked to NOPs in the copy (a
 * rebuilt segment must not repeat stale SACK blocks); other options (timestamps) are kept. Built segments get the
 * lengths, numbers, flags and window given, a valid IPv4 header checksum and a valid TCP checksum.
 */
final class SegmentTemplate {
    /** Largest IP + TCP header kept; longer headers are not rebuilt (the segment is passed as is). */
    static final int MAX_HEADER = 320;
    private final byte[] header = new byte[MAX_HEADER];
    private int length;
    private int ipLength;
    private int version;

    boolean isSet() { return length > 0; }

    /** TCP header length of the template. */
    int tcpHeaderLength() { return length - ipLength; }

    int ipHeaderLength() { return ipLength; }

    /** Copies the headers of {@code p}; false if they are too long. */
    boolean capture(ParsedPacket p) {
        int from = p.networkOffset();
        int len = p.payloadOffset() - from;
        if (len > MAX_HEADER) return false;
        ByteBuf b = p.buffer();
        b.getBytes(from, header, 0, len);
        length = len;
        ipLength = p.transportOffset() - from;
        version = p.ipVersion();
        blankSack(header, ipLength + 20, length);
        return true;
    }

    /**
     * Derives the other direction's header from {@code p} (addresses and ports swapped, options blanked), for a
     * direction that has not sent a segment since engagement (a RST of DROP_CONNECTION must still reach it).
     */
    boolean captureReversed(ParsedPacket p) {
        if (!capture(p)) return false;
        int a = version == 4 ? 12 : 8, n = version == 4 ? 4 : 16;
        for (int i = 0; i < n; i++) {
            byte t = header[a + i];
            header[a + i] = header[a + n + i];
            header[a + n + i] = t;
        }
        for (int i = 0; i < 2; i++) {
            byte t = header[ipLength + i];
            header[ipLength + i] = header[ipLength + 2 + i];
            header[ipLength + 2 + i] = t;
        }
        for (int k = ipLength + 20; k < length; k++) header[k] = 1;
        return true;
    }

    private static void blankSack(byte[] h, int from, int end) {
        int i = from;
        while (i < end) {
            int kind = h[i] & 0xFF;
            if (kind == 0) return;
            if (kind == 1) { i++; continue; }
            if (i + 1 >= end) return;
            int len = h[i + 1] & 0xFF;
            if (len < 2 || i + len > end) return;
            if (kind == 5) {
                for (int k = i; k < i + len; k++) h[k] = 1;
            }
            i += len;
        }
    }

    /**
     * Builds one segment carrying {@code payloadLength} bytes of {@code payload} from {@code index}.
     *
     * @return a new pooled buffer holding the IP packet (the caller owns it)
     */
    ByteBuf build(ByteBufAllocator alloc, int seq, int ack, int flags, int window, ByteBuf payload, int index,
                  int payloadLength) {
        int total = length + payloadLength;
        ByteBuf b = alloc.directBuffer(total);
        b.writeBytes(header, 0, length);
        if (payloadLength > 0) b.writeBytes(payload, index, payloadLength);
        int t = ipLength;
        b.setInt(t + 4, seq);
        b.setInt(t + 8, ack);
        b.setByte(t + 13, flags);
        b.setShort(t + 14, window);
        b.setShort(t + 18, 0);
        int l4 = total - t;
        if (version == 4) {
            b.setShort(2, total);
            Ipv4Checksums.write(b, 0);
            TransportChecksums.writeV4(b, 0, TransportChecksums.TCP, t, l4);
        } else {
            b.setShort(4, total - 40);
            TransportChecksums.writeV6(b, 0, TransportChecksums.TCP, t, l4);
        }
        return b;
    }
}
