package io.calloutd.stream;

import io.calloutd.packet.TcpHeader;
import io.calloutd.pipeline.Direction;
import io.netty.buffer.ByteBuf;

/**
 * One direction of an engaged TCP connection as a middlebox sees it (§6.7 option b). Input offsets count the
 * sender's bytes, output offsets the bytes the engine emitted; both start at {@link #base}, the sequence number of
 * the first byte seen after engagement (so with no edit the two spaces coincide). The stream's output is kept from
 * the receiver's last acknowledgement up to what was emitted, so that a retransmission by the sender is answered
 * from it; {@link SeqMap} translates the receiver's acknowledgements and SACK blocks back into input space.
 * Packet thread only.
 */
final class TcpDirection implements StreamSink {
    final Direction direction;
    final SegmentTemplate template = new SegmentTemplate();
    private final StreamEnv env;
    private final SeqMap map = new SeqMap(4096);
    StreamWaterfall stream;
    boolean started;
    int base;
    long inNxt;
    boolean inFin;
    private ByteBuf out;
    private long outUna, outNxt, sentNxt;
    private boolean outFin, finSent;
    /** Acknowledgement (absolute, already translated) and window carried by this direction's segments. */
    int ackOut;
    int windowOut;
    /** The window the sender of this direction last advertised (before a DEFER closed it). */
    int windowReal;
    boolean hasAck;
    private int lastAckEmitted;
    private int lastWindowEmitted;
    int mss = 536;
    /** The sender pushed (PSH) data not yet emitted: the last segment emitted for it carries PSH too. */
    boolean pushPending;
    /** The sender's latest data segment was full-sized without PSH or FIN: more input follows at once. */
    boolean moreExpected;

    TcpDirection(StreamEnv env, Direction direction) {
        this.env = env;
        this.direction = direction;
    }

    void start(int seq) {
        started = true;
        base = seq;
    }

    // ---- the wire end of the waterfall ----

    @Override
    public void bytes(ByteBuf src, int index, int length) {
        if (length <= 0 || outFin) return;
        buffer(length).writeBytes(src, index, length);
        outNxt += length;
    }

    @Override
    public void bytes(byte[] src, int offset, int length) {
        if (length <= 0 || outFin) return;
        buffer(length).writeBytes(src, offset, length);
        outNxt += length;
    }

    @Override
    public void disconnect() {
        outFin = true;
    }

    private ByteBuf buffer(int extra) {
        if (out == null) out = env.alloc.directBuffer(Math.max(16384, extra));
        return out;
    }

    int backlog() { return out == null ? 0 : out.readableBytes(); }

    // ---- acknowledgements from the receiver of this direction ----

    /** The receiver acknowledged output up to absolute {@code ack}: forget what it has. */
    void onAck(int ack) {
        if (!started) return;
        long off = outOffset(ack);
        long dataAcked = Math.min(off, outNxt);
        if (dataAcked > outUna && dataAcked <= sentNxt) {
            out.skipBytes((int) (dataAcked - outUna));
            outUna = dataAcked;
            if (out.readerIndex() > 262144) out.discardReadBytes();
            map.trim(outUna);
            if (outUna == sentNxt && sentNxt < outNxt) emitNew(false); // all sent is acknowledged: the held tail goes
        }
    }

    /** Output offset of absolute {@code seq} near the current window (handles wrap-around). */
    private long outOffset(int seq) {
        return outUna + (seq - (int) (base + outUna));
    }

    /** Translates the receiver's acknowledgement (output space) into the sender's sequence space. */
    int translateAck(int ack) {
        if (!started) return ack;
        long off = outOffset(ack);
        if (off <= 0) return ack; // before engagement both spaces are the same
        return (int) (base + map.inputAcked(off));
    }

    /** Translates a SACK block [left, right) in place; returns false if no whole input range is covered. */
    boolean translateSack(ByteBuf b, int at) {
        if (!started) return true;
        long l = outOffset(b.getInt(at)), r = outOffset(b.getInt(at + 4));
        if (r <= 0) return true;
        long il = l <= 0 ? l : map.inputStartingAt(l);
        long ir = map.inputAcked(r);
        if (il < 0 || ir <= il) return false;
        b.setInt(at, (int) (base + il));
        b.setInt(at + 4, (int) (base + ir));
        return true;
    }

    /** Records how far input is decided now (after the waterfall ran). */
    void checkpoint() {
        if (inFin && outFin) {
            map.add(inNxt + 1, outNxt + 1); // the FIN takes one sequence number in both spaces
        } else {
            map.add(inNxt - stream.undecided(), outNxt);
        }
    }

    /** Before this direction sent anything since engagement: its next sequence number as the other side acknowledged it. */
    int seqHint;

    /** Sequence number for a segment without data right now. */
    int nextSeq() {
        if (!started) return seqHint;
        return (int) (base + sentNxt + (finSent ? 1 : 0));
    }

    /** Output offset the sender's retransmitted input [inStart, inEnd) maps to, as [from, to). */
    long reemitFrom(long inStart) {
        long o = map.outputFor(inStart);
        return Math.max(outUna, o < 0 ? outUna : o);
    }

    long reemitTo(long inEnd) {
        long o = map.outputEndFor(inEnd);
        return o < 0 || o > sentNxt ? sentNxt : o;
    }

    // ---- emission ----

    /**
     * Emits what was produced but not yet sent, in segments of the observed MSS; returns the number of segments sent.
     * With {@code mayHold} (the sender's last segment was full-sized and not pushed, so more follows at once) a short tail
     * waits while emitted output is unacknowledged, Nagle-style (RFC 896): a growing edit then fills the next segment
     * instead of spilling a small one per input segment. The tail leaves with the next input, on a push or FIN, or
     * as soon as the receiver has acknowledged everything sent ({@link #onAck}), so it is never held for long.
     */
    int emitNew(boolean mayHold) {
        int n = 0;
        boolean hold = mayHold && !pushPending && !outFin;
        while (sentNxt < outNxt) {
            int len = (int) Math.min(mss, outNxt - sentNxt);
            if (len < mss && hold && sentNxt > outUna) break;
            boolean last = sentNxt + len == outNxt;
            boolean fin = last && outFin && !finSent;
            int flags = TcpHeader.ACK | (last && pushPending ? TcpHeader.PSH : 0) | (fin ? TcpHeader.FIN : 0);
            if (!send(sentNxt, len, flags, false)) break;
            env.counters.bytesOut.add(len);
            sentNxt += len;
            if (fin) finSent = true;
            n++;
        }
        if (sentNxt == outNxt) pushPending = false;
        if (outFin && !finSent && sentNxt == outNxt) {
            if (send(sentNxt, 0, TcpHeader.ACK | TcpHeader.FIN, false)) {
                finSent = true;
                n++;
            }
        }
        return n;
    }

    /** Re-sends output [from, to) (at most a few segments), and the FIN if it is covered. */
    int reemit(long from, long to, boolean withFin) {
        int n = 0;
        long end = Math.min(to, from + (long) mss * env.config.maxReemitSegments());
        for (long at = from; at < end; ) {
            int len = (int) Math.min(mss, end - at);
            boolean fin = withFin && finSent && at + len == outNxt;
            if (!send(at, len, TcpHeader.ACK | (fin ? TcpHeader.FIN : 0), true)) break;
            at += len;
            n++;
        }
        if (from >= end && withFin && finSent && from == outNxt) {
            if (send(outNxt, 0, TcpHeader.ACK | TcpHeader.FIN, true)) n++;
        }
        return n;
    }

    /** Sends an ACK-only segment if the acknowledgement or window changed since this direction last sent one (or if forced). */
    boolean emitAckIfChanged(boolean force) {
        if (!force && ackOut == lastAckEmitted && windowOut == lastWindowEmitted) return false;
        if (!send(-1, 0, TcpHeader.ACK, false)) return false;
        env.counters.pureAcksEmitted.increment();
        return true;
    }

    /** Records that the current acknowledgement and window left in a segment passed on in place. */
    void noteSent() {
        lastAckEmitted = ackOut;
        lastWindowEmitted = windowOut;
    }

    /** Sends a RST (DROP_CONNECTION). */
    void emitReset() {
        send(-1, 0, TcpHeader.RST | TcpHeader.ACK, false);
    }

    private boolean send(long at, int len, int flags, boolean again) {
        if (!template.isSet() || env.output == null) return false;
        int seq = at < 0 ? nextSeq() : (int) (base + at);
        int ack = hasAck ? ackOut : 0;
        if (!hasAck) flags &= ~TcpHeader.ACK;
        ByteBuf pkt = template.build(env.alloc, seq, ack, flags, windowOut, out, out == null ? 0
                : out.readerIndex() + (int) Math.max(0, at - outUna), len);
        if (!env.output.send(pkt, direction)) {
            env.counters.dropEmitFailed.increment();
            return false;
        }
        lastAckEmitted = ack;
        lastWindowEmitted = windowOut;
        if (len > 0 || (flags & TcpHeader.FIN) != 0) {
            (again ? env.counters.segmentsReemitted : env.counters.segmentsEmitted).increment();
        }
        return true;
    }

    boolean finSent() { return finSent; }

    long sentNxt() { return sentNxt; }

    long outUna() { return outUna; }

    void release() {
        if (out != null) {
            out.release();
            out = null;
        }
        if (stream != null) stream.release();
    }
}
