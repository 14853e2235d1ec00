package io.calloutd.fragment;

import io.netty.buffer.ByteBuf;

/**
 * One datagram being reassembled: its key, its fragments sorted by offset (no overlaps are ever stored,
 * so "complete" is simply "last seen and received == total"), and links for the hash table and the
 * age list. Instances are pooled by {@link DatagramTable}; arrays are sized to the fragment cap once.
 */
final class PendingDatagram {
    // key
    int family;
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;
    int id;
    int protocol;
    int hash;

    long createdNanos;
    long deadlineNanos;
    /** Reassembled payload length once the last fragment is known, else -1. */
    int totalLength;
    int received;
    int maxFragmentSize;
    long memoryBytes;
    boolean live;

    // fragments sorted by offset
    int count;
    final ByteBuf[] buffers;
    final int[] offsets;
    final int[] ends;
    final int[] payloadIndex;
    final int[] ipStart;
    // header facts from the offset-0 fragment
    int firstHeaderLength;
    int firstPrevNextHeaderOffset;
    int firstFragmentNextHeader;

    // age list (per family, oldest first)
    PendingDatagram older;
    PendingDatagram newer;

    PendingDatagram(int maxFragments) {
        buffers = new ByteBuf[maxFragments];
        offsets = new int[maxFragments];
        ends = new int[maxFragments];
        payloadIndex = new int[maxFragments];
        ipStart = new int[maxFragments];
    }

    void init(ParsedFragment f, int hash, long now, long timeoutNanos) {
        family = f.family;
        srcHi = f.srcHi;
        srcLo = f.srcLo;
        dstHi = f.dstHi;
        dstLo = f.dstLo;
        id = f.id;
        protocol = f.protocol;
        this.hash = hash;
        createdNanos = now;
        deadlineNanos = now + timeoutNanos;
        totalLength = -1;
        received = 0;
        maxFragmentSize = 0;
        memoryBytes = 0;
        count = 0;
        live = true;
    }

    boolean matches(ParsedFragment f, int h) {
        return hash == h && id == f.id && srcLo == f.srcLo && dstLo == f.dstLo && family == f.family
                && protocol == f.protocol && srcHi == f.srcHi && dstHi == f.dstHi;
    }

    boolean complete() {
        return totalLength >= 0 && received == totalLength;
    }

    /** Inserts at sorted position {@code at}, retaining the buffer. Returns the bytes of memory charged. */
    long insert(int at, ByteBuf buf, ParsedFragment f) {
        int move = count - at;
        if (move > 0) {
            System.arraycopy(buffers, at, buffers, at + 1, move);
            System.arraycopy(offsets, at, offsets, at + 1, move);
            System.arraycopy(ends, at, ends, at + 1, move);
            System.arraycopy(payloadIndex, at, payloadIndex, at + 1, move);
            System.arraycopy(ipStart, at, ipStart, at + 1, move);
        }
        buffers[at] = buf.retain();
        offsets[at] = f.offset;
        ends[at] = f.end();
        payloadIndex[at] = f.payloadIndex;
        ipStart[at] = f.ipStart;
        count++;
        received += f.payloadLength;
        if (f.packetLength > maxFragmentSize) {
            maxFragmentSize = f.packetLength;
        }
        if (f.offset == 0) {
            firstHeaderLength = f.headerLength;
            firstPrevNextHeaderOffset = f.prevNextHeaderOffset;
            firstFragmentNextHeader = f.fragmentNextHeader;
        }
        long charge = buf.capacity();
        memoryBytes += charge;
        return charge;
    }

    /** Releases every held buffer; returns the memory freed. */
    long releaseAll() {
        for (int i = 0; i < count; i++) {
            buffers[i].release();
            buffers[i] = null;
        }
        count = 0;
        live = false;
        long freed = memoryBytes;
        memoryBytes = 0;
        return freed;
    }
}
