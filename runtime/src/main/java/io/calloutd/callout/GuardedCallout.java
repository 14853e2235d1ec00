package io.calloutd.callout;

import io.calloutd.engine.ActionType;
import io.calloutd.engine.Callout;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.DecisionReason;
import io.calloutd.engine.EngineConfig;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterFlags;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.NetEvent;
import io.calloutd.engine.NetEventSink;
import io.calloutd.engine.NetEventType;
import io.calloutd.flow.Flow;

/**
 * What the engine actually calls for a registered callout: supplies the callout's own flow context, applies
 * CONDITIONAL_ON_FLOW, times the call against the budget, isolates failures (M-37) and restores a layer-data offset
 * the callout forgot to restore (§2.2). Allocates only when it builds a net event.
 */
final class GuardedCallout implements Callout {
    private final RegisteredCallout reg;
    private final Callout delegate;
    private final boolean conditionalOnFlow;
    private final ClassifyBudget budget;
    private final EngineConfig engine;
    final CalloutRegistry registry;

    GuardedCallout(RegisteredCallout reg, ClassifyBudget budget, EngineConfig engine, CalloutRegistry registry) {
        this.registry = registry;
        this.reg = reg;
        this.delegate = reg.registration().classify();
        this.conditionalOnFlow = reg.registration().has(CalloutFlags.CONDITIONAL_ON_FLOW);
        this.budget = budget;
        this.engine = engine;
    }

    /** The registered callout this guard runs. */
    RegisteredCallout registered() { return reg; }

    @Override
    public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
        long pathContext = ctx.flowContext();
        long mine = ctx.flow() instanceof Flow f ? f.context(CalloutRegistry.layerId(ctx.layer()), reg.id()) : pathContext;
        if (conditionalOnFlow && mine == 0) {
            reg.stats.skipped.incrementAndGet();
            out.markNotInvoked(); // the engine treats the filter as not matched, whatever its action type
            return;
        }
        PacketView view = ctx.layerData() instanceof PacketView v ? v : null;
        int offset = view != null ? view.offset() : 0;
        ActionType actionIn = out.actionType();
        boolean writeIn = out.hasWriteRight();
        ClassifyScope scope = ClassifyScope.current();
        ctx.flowContext(mine);
        scope.enter(ctx.layer(), this);
        Throwable failure = null;
        long t0 = System.nanoTime();
        try {
            delegate.classify(in, ctx, filter, out);
        } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
            failure = e;
        } finally {
            long dt = System.nanoTime() - t0;
            scope.exit();
            ctx.flowContext(pathContext);
            reg.stats.record(dt);
            if (view != null && view.offset() != offset) {
                view.restoreOffset(offset);
                reg.stats.offsetViolations.incrementAndGet();
            }
            if (failure != null) {
                reg.stats.failures.incrementAndGet();
                failureVerdict(filter, out, actionIn, writeIn);
                emit(NetEventType.CALLOUT_FAILURE, ctx, filter, in);
            } else if (dt > budget.budgetNanos()) {
                reg.stats.overruns.incrementAndGet();
                if (budget.failOnOverrun() && (out.flags() & ClassifyOut.FLAG_ABSORB) == 0) {
                    failureVerdict(filter, out, actionIn, writeIn);
                }
                emit(NetEventType.CALLOUT_OVERRUN, ctx, filter, in);
            }
        }
    }

    /**
     * The filter's declared failure verdict: PERMIT if it carries PERMIT_IF_CALLOUT_UNREGISTERED (fail-open), else a
     * hard BLOCK (fail-closed). Without WRITE on entry the callout could not decide, so its result is undone instead.
     */
    private static void failureVerdict(Filter filter, ClassifyOut out, ActionType actionIn, boolean writeIn) {
        out.clearAbsorb();
        if (!writeIn) {
            out.setActionType(actionIn);
        } else if ((filter.flags() & FilterFlags.PERMIT_IF_CALLOUT_UNREGISTERED) != 0) {
            out.setActionType(ActionType.PERMIT);
        } else {
            out.block();
        }
    }

    private void emit(NetEventType type, ClassifyContext ctx, Filter filter, IncomingValues in) {
        NetEventSink sink = engine.netEvents();
        if (!sink.accepts(type)) return;
        try {
            sink.onEvent(new NetEvent(engine.clockMillis().getAsLong(), type, ctx.layer(), filter.id(),
                    DecisionReason.CALLOUT_ERROR, 0, in.describe()));
        } catch (RuntimeException ignored) {
            // A broken sink must not take the packet path down.
        }
    }
}
