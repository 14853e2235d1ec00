package io.calloutd.stream;

/**
 * Checkpoints {@code (in, out)} of one edited direction: every input byte before offset {@code in} has been decided
 * and all output derived from it lies before output offset {@code out}. A receiver acknowledging output up to
 * {@code out} has therefore everything the sender sent before {@code in}: that is how acknowledgements and SACK
 * blocks are translated back into the sender's sequence space (§6.7 b). A bounded ring; when full, the newest entry
 * is overwritten, which only makes translation coarser (never wrong). Allocation-free after construction.
 */
final class SeqMap {
    private final long[] in;
    private final long[] out;
    private int head;
    private int size;

    SeqMap(int capacity) {
        in = new long[capacity];
        out = new long[capacity];
        in[0] = 0;
        out[0] = 0;
        size = 1;
    }

    private int at(int i) {
        return (head + i) % in.length;
    }

    long lastIn() { return in[at(size - 1)]; }

    long lastOut() { return out[at(size - 1)]; }

    /** Adds a checkpoint if it advances the input offset. */
    void add(long inOff, long outOff) {
        if (inOff <= lastIn()) return;
        if (size == in.length) {
            int k = at(size - 1);
            in[k] = inOff;
            out[k] = Math.max(outOff, out[k]);
            return;
        }
        int k = at(size);
        in[k] = inOff;
        out[k] = outOff;
        size++;
    }

    /** Forgets checkpoints the receiver's acknowledgement {@code outAcked} supersedes (keeps the last one below it). */
    void trim(long outAcked) {
        while (size > 1 && out[at(1)] <= outAcked) {
            head = at(1);
            size--;
        }
    }

    /** Input offset acknowledged by output offset {@code outOff}: the largest checkpoint input with out <= outOff. */
    long inputAcked(long outOff) {
        long r = -1;
        for (int i = 0; i < size; i++) {
            int k = at(i);
            if (out[k] > outOff) break;
            r = in[k];
        }
        return r < 0 ? Math.min(outOff, in[at(0)]) : r;
    }

    /** Smallest checkpoint input whose output is at or after {@code outOff} (left edge of a SACK block), or -1. */
    long inputStartingAt(long outOff) {
        for (int i = 0; i < size; i++) {
            int k = at(i);
            if (out[k] >= outOff) return in[k];
        }
        return -1;
    }

    /** Output offset where the output of input offset {@code inOff} starts (last checkpoint with in <= inOff). */
    long outputFor(long inOff) {
        long r = -1;
        for (int i = 0; i < size; i++) {
            int k = at(i);
            if (in[k] > inOff) break;
            r = out[k];
        }
        return r;
    }

    /** Output offset by which the output of input before {@code inOff} ends (first checkpoint with in >= inOff), or -1. */
    long outputEndFor(long inOff) {
        for (int i = 0; i < size; i++) {
            int k = at(i);
            if (in[k] >= inOff) return out[k];
        }
        return -1;
    }
}
