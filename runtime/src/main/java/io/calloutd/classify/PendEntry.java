package io.calloutd.classify;

import io.calloutd.callout.CalloutStatus;
import io.calloutd.callout.PacketClone;
import io.calloutd.callout.Pended;
import io.calloutd.engine.ActionType;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Layer;
import io.calloutd.flow.CloseReason;
import io.calloutd.flow.Flow;
import io.calloutd.pipeline.Direction;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pended classification in a {@link PendingOperations} table. The state moves once, by CAS, out of PENDED: to
 * COMPLETED (any thread, {@link #complete}), TIMED_OUT or CANCELLED (packet thread). Everything else is touched by the
 * packet thread only; the completion's arguments reach it through the table's completion queue.
 */
final class PendEntry implements Pended {
    static final int PENDED = 0, COMPLETED = 1, TIMED_OUT = 2, CANCELLED = 3;

    final PendingOperations owner;
    final Layer layer;
    final Flow flow;
    final boolean classifyPend;
    final long filterId;
    final Direction direction;
    final long deadlineNanos;
    final AtomicInteger state = new AtomicInteger(PENDED);
    /** The held packet from its IP header (null at ENDPOINT_CLOSURE). Packet thread. */
    ByteBuf held;
    /** Where in the authorization sequence the pend happened (see LayerClassifier). Packet thread. */
    int step;
    /** The flow end whose teardown waits (ENDPOINT_CLOSURE). Packet thread. */
    CloseReason closeReason;
    /** Removed from the active table. Packet thread. */
    boolean removed;
    // Completion arguments: written by the completing thread after its CAS, read after the queue hand-off.
    boolean withClone;
    /** Pend-classify final decision (BLOCK or PERMIT), or null: reauthorize. */
    ActionType finalAction;

    PendEntry(PendingOperations owner, Layer layer, Flow flow, boolean classifyPend, long filterId, Direction direction,
              ByteBuf held, long deadlineNanos) {
        this.owner = owner;
        this.layer = layer;
        this.flow = flow;
        this.classifyPend = classifyPend;
        this.filterId = filterId;
        this.direction = direction;
        this.held = held;
        this.deadlineNanos = deadlineNanos;
    }

    @Override public Layer layer() { return layer; }

    @Override public long flowId() { return flow.id(); }

    @Override public boolean isClassifyPend() { return classifyPend; }

    @Override
    public CalloutStatus complete() {
        return finish(false, null);
    }

    @Override
    public CalloutStatus complete(PacketClone clone) {
        if (classifyPend || clone == null || !layer.name().startsWith("ALE_AUTH_RECV_ACCEPT")) {
            return CalloutStatus.INVALID_PARAMETER;
        }
        return finish(true, null);
    }

    @Override
    public CalloutStatus complete(ClassifyOut finalOut) {
        if (!classifyPend) {
            return CalloutStatus.INVALID_PARAMETER;
        }
        if (finalOut == null) {
            return complete();
        }
        return finish(false, finalOut.actionType() == ActionType.BLOCK ? ActionType.BLOCK : ActionType.PERMIT);
    }

    private CalloutStatus finish(boolean clone, ActionType action) {
        if (!state.compareAndSet(PENDED, COMPLETED)) {
            return state.get() == TIMED_OUT ? CalloutStatus.TIMEOUT : CalloutStatus.UNSUCCESSFUL;
        }
        withClone = clone;
        finalAction = action;
        owner.completed(this);
        return CalloutStatus.SUCCESS;
    }

    /** Frees the held packet, if any (packet thread). */
    void releaseHeld() {
        if (held != null) {
            held.release();
            held = null;
        }
    }

    @Override public String toString() {
        return (classifyPend ? "pended classify " : "pended operation ") + layer + " flow " + flow.id() + " state " + state.get();
    }
}
