package io.calloutd.stream;

import io.calloutd.engine.ActionType;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterFlags;
import io.calloutd.engine.IncomingValues;
import io.netty.buffer.ByteBuf;
import java.util.UUID;

/**
 * One direction of one connection at the stream layer: in-order bytes enter the first stage (highest sublayer) and
 * flow down stage by stage as the callouts permit them (§1.6.5, §6.2), into the sink (the wire). Blocked bytes are
 * removed and reported to every lower stage as {@code missedBytes}; a partial {@code countBytesEnforced} re-indicates
 * the rest at once; NEED_MORE_DATA waits for more; DEFER (inbound only) stops the stage until continued; a FIN is a
 * zero-length indication with the disconnect flag and NO_MORE_DATA. Packet thread only; no allocation per indication.
 */
final class StreamWaterfall {
    /** Called when a callout's DROP_CONNECTION is honoured. */
    interface Dropper {
        void dropConnection();
    }

    private final StreamEnv env;
    private final StreamStage[] stages;
    private final StreamSink wire;
    private final IncomingValues values;
    private final Object flow;
    private final long flowId;
    private final int directionFlag;
    private final int disconnectFlag;
    private final Dropper dropper;
    private boolean dropped;

    StreamWaterfall(StreamEnv env, StreamStage[] stages, StreamSink wire, IncomingValues values, Object flow,
                    long flowId, boolean inbound, Dropper dropper) {
        this.env = env;
        this.stages = stages;
        this.wire = wire;
        this.values = values;
        this.flow = flow;
        this.flowId = flowId;
        this.directionFlag = inbound ? StreamFlags.RECEIVE : StreamFlags.SEND;
        this.disconnectFlag = inbound ? StreamFlags.RECEIVE_DISCONNECT : StreamFlags.SEND_DISCONNECT;
        this.dropper = dropper;
    }

    boolean inbound() { return directionFlag == StreamFlags.RECEIVE; }

    /** In-order input from the connection. */
    StreamSink input() {
        return stages.length == 0 ? wire : stages[0];
    }

    /** Input bytes not yet decided by every stage (held by NEED_MORE_DATA, DEFER or not yet indicated). */
    long undecided() {
        long n = 0;
        for (StreamStage s : stages) n += s.available();
        return n;
    }

    /** Bytes waiting in the first stage (the input side of the buffer limit). */
    int firstStageBytes() {
        return stages.length == 0 ? 0 : stages[0].available();
    }

    /** True if some stage of this direction is deferred. */
    boolean deferred() {
        for (StreamStage s : stages) if (s.deferred) return true;
        return false;
    }

    /** Index of the stage that holds callout {@code key}, or -1. */
    int stageOf(UUID key) {
        for (int i = 0; i < stages.length; i++) if (stages[i].hasCallout(key)) return i;
        return -1;
    }

    /** Out-of-band injection below stage {@code i} (§6.4); then the stream runs on. */
    void injectBelow(int i, byte[] data, int off, int len, boolean disconnect) {
        StreamSink below = i + 1 < stages.length ? stages[i + 1] : wire;
        below.bytes(data, off, len);
        if (disconnect) below.disconnect();
        run();
    }

    /** FwpsStreamContinue0 for stage {@code i}; false if it was not deferred. */
    boolean continueStage(int i) {
        if (!stages[i].deferred) return false;
        stages[i].deferred = false;
        run();
        return true;
    }

    /** Indicates whatever can be indicated, top stage first, until every stage waits. */
    void run() {
        for (int i = 0; i < stages.length && !dropped; i++) {
            drain(i);
        }
    }

    private void drain(int i) {
        StreamStage s = stages[i];
        StreamSink below = i + 1 < stages.length ? stages[i + 1] : wire;
        while (!dropped) {
            int avail = s.available();
            boolean fin = s.finIn && !s.finDone;
            if (avail == 0 && !fin) return;
            if (s.allowAll) {
                pass(s, below, avail, fin);
                continue;
            }
            boolean limit = avail >= env.config.bufferLimit();
            if (s.deferred || (avail > 0 && avail < s.required && !fin && !limit)) return;
            s.required = 0;
            int classifyFlags = (fin ? ClassifyOut.FLAG_NO_MORE_DATA : 0) | (limit ? ClassifyOut.FLAG_BUFFER_LIMIT_REACHED : 0);
            int streamFlags = directionFlag | (avail == 0 ? disconnectFlag : 0);
            if (!indicate(i, s, below, avail, fin, limit, classifyFlags, streamFlags)) return;
        }
    }

    /** One indication at stage {@code i}; false if the stage now waits. */
    private boolean indicate(int i, StreamStage s, StreamSink below, int avail, boolean fin, boolean limit,
                             int classifyFlags, int streamFlags) {
        StreamCalloutIo io = env.io;
        long missed = s.missed;
        s.missed = 0;
        for (Filter f : s.filters) {
            FilterAction fa = f.action();
            if (fa == FilterAction.PERMIT) return apply(i, s, below, ActionType.PERMIT, avail, avail, fin);
            if (fa == FilterAction.BLOCK) return apply(i, s, below, ActionType.BLOCK, avail, avail, fin);
            ByteBuf b = s.buffer();
            io.set(b, b == null ? 0 : b.readerIndex(), avail, streamFlags, missed, flowId, env.control, below);
            env.ctx.clear();
            env.ctx.layerData(io).flow(flow);
            env.counters.indications.increment();
            env.beginClassify(flow);
            boolean invoked;
            try {
                invoked = env.engine.invokeCallout(f, values, env.ctx, classifyFlags, env.out);
            } finally {
                env.endClassify(flow);
                io.clear();
                env.ctx.clear();
            }
            missed = 0; // reported once, to the first callout of the stage that saw the indication
            if (!invoked) {
                if (fa == FilterAction.CALLOUT_INSPECTION) continue;
                boolean permit = (f.flags() & FilterFlags.PERMIT_IF_CALLOUT_UNREGISTERED) != 0;
                return apply(i, s, below, permit ? ActionType.PERMIT : ActionType.BLOCK, avail, avail, fin);
            }
            StreamAction sa = io.streamAction;
            if (sa != StreamAction.NONE && !(sa == StreamAction.DROP_CONNECTION && fa == FilterAction.CALLOUT_INSPECTION)) {
                return streamAction(i, s, below, sa, io.countBytesRequired, avail, fin, limit);
            }
            ActionType a = env.out.actionType();
            if (fa == FilterAction.CALLOUT_INSPECTION || a == ActionType.CONTINUE || sa != StreamAction.NONE) continue;
            if (fa == FilterAction.CALLOUT_UNKNOWN && a != ActionType.PERMIT && a != ActionType.BLOCK) continue;
            if (a != ActionType.PERMIT) a = ActionType.BLOCK; // TERMINATING: anything else counts as BLOCK (§1.5)
            int n = io.countBytesEnforced;
            return apply(i, s, below, a, avail, n == 0 || n > avail ? avail : n, fin);
        }
        return apply(i, s, below, ActionType.PERMIT, avail, avail, fin); // the sublayer has no opinion: pass
    }

    private boolean streamAction(int i, StreamStage s, StreamSink below, StreamAction sa, int required, int avail,
                                 boolean fin, boolean limit) {
        switch (sa) {
            case NEED_MORE_DATA -> {
                if (fin || limit) { // illegal with NO_MORE_DATA / BUFFER_LIMIT_REACHED: documented fallback = permit
                    env.counters.needMoreDataRejected.increment();
                    return apply(i, s, below, ActionType.PERMIT, avail, avail, fin);
                }
                s.required = Math.max(required, avail + 1);
                return false;
            }
            case DEFER -> {
                if (!inbound() || fin) {
                    env.counters.deferRejected.increment();
                    return apply(i, s, below, ActionType.PERMIT, avail, avail, fin);
                }
                env.counters.defers.increment();
                s.deferred = true;
                return false;
            }
            case ALLOW_CONNECTION -> {
                s.allowAll = true;
                return true;
            }
            default -> { // DROP_CONNECTION
                dropped = true;
                dropper.dropConnection();
                return false;
            }
        }
    }

    private boolean apply(int i, StreamStage s, StreamSink below, ActionType a, int avail, int n, boolean fin) {
        if (avail == 0) { // the FIN indication: PERMIT lets the FIN pass, BLOCK absorbs it (an OOB callout re-injects it)
            s.finDone = true;
            if (a == ActionType.PERMIT) below.disconnect();
            return true;
        }
        if (a == ActionType.PERMIT) {
            ByteBuf b = s.buffer();
            below.bytes(b, b.readerIndex(), n);
        } else {
            for (int j = i + 1; j < stages.length; j++) stages[j].missed += n;
        }
        s.consume(n);
        return true;
    }

    private void pass(StreamStage s, StreamSink below, int avail, boolean fin) {
        if (avail > 0) {
            ByteBuf b = s.buffer();
            below.bytes(b, b.readerIndex(), avail);
            s.consume(avail);
        }
        if (fin) {
            s.finDone = true;
            below.disconnect();
        }
    }

    void release() {
        for (StreamStage s : stages) s.release();
    }
}
