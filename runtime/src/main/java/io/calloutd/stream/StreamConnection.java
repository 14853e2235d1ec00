package io.calloutd.stream;

import io.calloutd.checksum.PacketChecksums;
import io.calloutd.engine.Filter;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Verdict;
import io.calloutd.flow.Flow;
import io.calloutd.flow.TcpAckTranslator;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.packet.TcpHeader;
import io.calloutd.pipeline.Direction;
import io.netty.buffer.ByteBuf;
import java.util.UUID;

/**
 * An engaged TCP connection: a stream waterfall per direction and the TCP middlebox around it. Segments with data
 * or FIN are absorbed into their direction's stream; what the stream lets through leaves as rebuilt segments.
 * Segments without data (ACK, RST) are rewritten in place: sequence number into the edited space of their own
 * direction, acknowledgement and SACK blocks back into the input space of the other (§6.7). Packet thread only.
 */
final class StreamConnection implements StreamWaterfall.Dropper, TcpAckTranslator {
    final Flow flow;
    final long flowId;
    private final StreamEnv env;
    private final TcpDirection[] dirs = new TcpDirection[2];
    private boolean dropped;

    StreamConnection(StreamEnv env, Flow flow, long flowId, IncomingValues values, Filter[][] sublayers) {
        this.env = env;
        this.flow = flow;
        this.flowId = flowId;
        for (Direction d : Direction.values()) {
            TcpDirection td = new TcpDirection(env, d);
            StreamStage[] stages = new StreamStage[sublayers.length];
            for (int i = 0; i < stages.length; i++) {
                stages[i] = new StreamStage(sublayers[i], env.alloc, Integer.MAX_VALUE);
            }
            td.stream = new StreamWaterfall(env, stages, td, values, flow, flowId, d == Direction.INBOUND, this);
            dirs[d.ordinal()] = td;
        }
    }

    boolean isDropped() { return dropped; }

    /**
     * For the flow table, before this segment reaches {@link #segment}: the acknowledgement as the sender of the
     * acknowledged bytes numbers them, so FINs (read as sent) and their acknowledgements are compared in one space.
     */
    @Override
    public int ackInSenderSpace(Direction d, int ack) {
        return dirs[1 - d.ordinal()].translateAck(ack);
    }

    /**
     * One TCP segment of this connection travelling in {@code d}.
     *
     * @return PERMIT if the (rewritten) segment goes on as it is, BLOCK if it was absorbed into the stream or dropped
     */
    Verdict segment(ParsedPacket p, Direction d) {
        if (dropped) {
            env.counters.dropConnectionGone.increment();
            return Verdict.BLOCK;
        }
        TcpDirection me = dirs[d.ordinal()], other = dirs[1 - d.ordinal()];
        TcpHeader t = p.tcp();
        int flags = t.flags();
        if ((flags & TcpHeader.SYN) != 0) return Verdict.PERMIT; // handshake segments are not stream data
        if (!me.started) me.start(t.sequenceNumber());
        if ((flags & TcpHeader.ACK) != 0) {
            int ack = t.acknowledgmentNumber();
            if (!other.started) other.seqHint = ack;
            other.onAck(ack);
            me.ackOut = other.translateAck(ack);
            me.hasAck = true;
            t.setAcknowledgmentNumber(me.ackOut);
            translateSack(p, other, me.ackOut);
        }
        me.windowReal = t.window();
        me.windowOut = other.stream.deferred() ? 0 : me.windowReal; // a deferred inbound stream closes the window
        t.setWindow(me.windowOut);
        int len = p.payloadLength();
        boolean fin = (flags & TcpHeader.FIN) != 0;
        if (!me.template.capture(p)) {
            env.counters.dropConnectionGone.increment(); // headers too long to rebuild from
            return Verdict.BLOCK;
        }
        if (!other.template.isSet()) other.template.captureReversed(p);
        int cap = env.config.mtu() - me.template.ipHeaderLength() - me.template.tcpHeaderLength();
        if (len > me.mss) me.mss = Math.min(len, cap);
        if (len == 0 && !fin) {
            // An ACK/RST carries the next sequence number; a keepalive one less: keep that offset in edited space.
            int behind = t.sequenceNumber() - (int) (me.base + me.inNxt + (me.inFin ? 1 : 0));
            t.setSequenceNumber(me.nextSeq() + Math.min(0, behind));
            PacketChecksums.writeTransport(p);
            me.noteSent();
            env.counters.segmentsRewritten.increment();
            return Verdict.PERMIT;
        }
        long off = me.inNxt + (t.sequenceNumber() - (int) (me.base + me.inNxt));
        long end = off + len;
        if (end <= 0 && !fin) { // bytes from before engagement (both spaces coincide there): passed on as they are
            PacketChecksums.writeTransport(p);
            env.counters.segmentsRewritten.increment();
            return Verdict.PERMIT;
        }
        if (off > me.inNxt) {
            env.counters.dropOutOfOrder.increment(); // the sender retransmits once the hole is acknowledged
            return Verdict.BLOCK;
        }
        boolean newFin = fin && !me.inFin && end >= me.inNxt;
        if (end <= me.inNxt && !newFin) {
            answerRetransmission(me, off, end, fin || (me.inFin && end >= me.inNxt));
            return Verdict.BLOCK;
        }
        int skip = (int) (me.inNxt - off);
        int fresh = len - skip;
        if (fresh > 0 && me.stream.firstStageBytes() + (long) fresh > env.config.bufferLimit()) {
            env.counters.dropBufferFull.increment();
            return Verdict.BLOCK;
        }
        if (me.backlog() >= env.config.outputBacklog()) {
            env.counters.dropOutputBacklog.increment();
            return Verdict.BLOCK;
        }
        if (fresh > 0) {
            me.stream.input().bytes(p.buffer(), p.payloadOffset() + skip, fresh);
            me.inNxt += fresh;
            env.counters.bytesIn.add(fresh);
        }
        if (newFin) {
            me.inFin = true;
            me.stream.input().disconnect();
        }
        env.counters.segmentsAbsorbed.increment();
        boolean push = (flags & TcpHeader.PSH) != 0;
        me.pushPending |= push;
        me.stream.run();
        me.moreExpected = len >= me.mss && !push && !fin; // a full unpushed segment: the sender has more queued
        afterRun(me);
        return Verdict.BLOCK;
    }

    private void answerRetransmission(TcpDirection me, long off, long end, boolean fin) {
        me.emitNew(false); // the sender waits for an acknowledgement: a held tail must not make it wait longer
        long from = me.reemitFrom(off), to = me.reemitTo(end);
        int n = me.reemit(from, to, fin && me.finSent());
        if (n > 0) {
            env.counters.retransmissionsAnswered.increment();
        } else {
            env.counters.dropRetransmitCovered.increment();
            me.emitAckIfChanged(false);
        }
    }

    /**
     * After the stream of {@code me} ran (new input, an out-of-band injection or a continue): record the decided
     * input, send new output (or at least the new ACK). A short tail may wait for more input while the sender's last
     * segment said more follows ({@link TcpDirection#emitNew}).
     */
    private void afterRun(TcpDirection me) {
        if (dropped) return;
        me.checkpoint();
        if (me.emitNew(me.moreExpected) == 0) me.emitAckIfChanged(false);
    }

    private static void translateSack(ParsedPacket p, TcpDirection other, int ack) {
        ByteBuf b = p.buffer();
        int i = p.transportOffset() + TcpHeader.MIN_LENGTH, end = p.payloadOffset();
        while (i < end) {
            int kind = b.getUnsignedByte(i);
            if (kind == 0) return;
            if (kind == 1) { i++; continue; }
            if (i + 1 >= end) return;
            int len = b.getUnsignedByte(i + 1);
            if (len < 2 || i + len > end) return;
            if (kind == 5) {
                for (int at = i + 2; at + 8 <= i + len; at += 8) {
                    if (!other.translateSack(b, at)) { // no whole input range covered: an empty block, ignored by TCP
                        b.setInt(at, ack);
                        b.setInt(at + 4, ack);
                    }
                }
            }
            i += len;
        }
    }

    /** Out-of-band injection (§6.4) below the stage of callout {@code key}; false if there is no such stage. */
    boolean inject(UUID key, int streamFlags, byte[] data) {
        if (dropped) return false;
        TcpDirection me = dirs[StreamFlags.isInbound(streamFlags) ? Direction.INBOUND.ordinal() : Direction.OUTBOUND.ordinal()];
        int stage = me.stream.stageOf(key);
        if (stage < 0) return false;
        me.stream.injectBelow(stage, data, 0, data.length, (streamFlags & StreamFlags.ANY_DISCONNECT) != 0);
        afterRun(me);
        return true;
    }

    /** FwpsStreamContinue0: resumes the deferred stage of callout {@code key}; reopens the window toward the sender. */
    boolean continueStream(UUID key, int streamFlags) {
        if (dropped) return false;
        boolean inbound = StreamFlags.isInbound(streamFlags);
        TcpDirection me = dirs[inbound ? Direction.INBOUND.ordinal() : Direction.OUTBOUND.ordinal()];
        TcpDirection other = dirs[inbound ? Direction.OUTBOUND.ordinal() : Direction.INBOUND.ordinal()];
        int stage = me.stream.stageOf(key);
        if (stage < 0 || !me.stream.continueStage(stage)) return false;
        afterRun(me);
        if (!me.stream.deferred() && other.template.isSet()) {
            other.windowOut = other.windowReal;
            other.emitAckIfChanged(false); // window update: the sender may send again
        }
        return true;
    }

    @Override
    public void dropConnection() {
        if (dropped) return;
        dropped = true;
        env.counters.connectionsDropped.increment();
        for (TcpDirection d : dirs) {
            if (d.template.isSet()) d.emitReset();
        }
        if (env.flows != null) env.flows.kill(flow);
    }

    void release() {
        for (TcpDirection d : dirs) d.release();
    }
}
