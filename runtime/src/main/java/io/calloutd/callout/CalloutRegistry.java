package io.calloutd.callout;

import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ErrorCode;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterChangeListener;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterValidationException;
import io.calloutd.engine.Layer;
import io.calloutd.flow.CloseReason;
import io.calloutd.flow.ContextStatus;
import io.calloutd.flow.Flow;
import io.calloutd.flow.FlowDeleteListener;
import io.calloutd.flow.FlowTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registers callouts with a {@link FilterEngine} and enforces §2.1 (duplicate key, busy and unknown unregister),
 * §2.5 (notify on filter add/delete) and §2.6 (flow contexts, flowDelete exactly once).
 *
 * <p><b>Wiring.</b> The registry installs itself as the engine's {@link FilterChangeListener}. The flow table must be
 * constructed with this registry as its {@link FlowDeleteListener} (flow ends are forwarded to the listener given
 * by {@link #setFlowListener}), and callouts associate contexts through {@link #associateContext} so the registry can
 * refuse unregistration while contexts exist. Layer ids in flow contexts are {@link #layerId(Layer)}.
 */
public final class CalloutRegistry implements FilterChangeListener, FlowDeleteListener {
    private final FilterEngine engine;
    private final ClassifyBudget budget;
    private final Map<UUID, RegisteredCallout> byKey = new ConcurrentHashMap<>();
    private final Map<Integer, RegisteredCallout> byId = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private int nextId = 1;
    private volatile FlowDeleteListener flowListener = FlowDeleteListener.NONE;

    /**
     * @param engine the engine callouts are registered with
     * @param budget classify time budget applied to every callout
     */
    public CalloutRegistry(FilterEngine engine, ClassifyBudget budget) {
        this.engine = Objects.requireNonNull(engine);
        this.budget = Objects.requireNonNull(budget);
        engine.setFilterChangeListener(this);
    }

    /** The run-time layer id used for flow contexts: the layer's ordinal. */
    public static int layerId(Layer layer) { return layer.ordinal(); }

    /**
     * Registers a callout (FwpsCalloutRegister). Filters that already name it are not announced (§2.5).
     *
     * @throws CalloutException {@link CalloutStatus#ALREADY_EXISTS} if the key is registered
     */
    public RegisteredCallout register(CalloutRegistration r) throws CalloutException {
        Objects.requireNonNull(r, "registration");
        synchronized (lock) {
            if (byKey.containsKey(r.key())) throw new CalloutException(CalloutStatus.ALREADY_EXISTS, "callout " + r.key());
            RegisteredCallout reg = new RegisteredCallout(nextId++, r);
            try {
                engine.registerCallout(r.key(), new GuardedCallout(reg, budget, engine.config(), this));
            } catch (FilterValidationException e) { // registered directly on the engine, bypassing the registry
                throw new CalloutException(CalloutStatus.ALREADY_EXISTS, e.getMessage());
            }
            byId.put(reg.id(), reg);
            byKey.put(r.key(), reg);
            return reg;
        }
    }

    /** Unregisters by key: SUCCESS, DEVICE_BUSY while flow contexts are associated, NOT_FOUND if unknown (§2.1). */
    public CalloutStatus unregister(UUID key) {
        synchronized (lock) {
            RegisteredCallout reg = byKey.get(key);
            return reg == null ? CalloutStatus.NOT_FOUND : unregister(reg);
        }
    }

    /** Unregisters by run-time id; as {@link #unregister(UUID)}. */
    public CalloutStatus unregister(int calloutId) {
        synchronized (lock) {
            RegisteredCallout reg = byId.get(calloutId);
            return reg == null ? CalloutStatus.NOT_FOUND : unregister(reg);
        }
    }

    private CalloutStatus unregister(RegisteredCallout reg) {
        if (reg.contexts.get() > 0) return CalloutStatus.DEVICE_BUSY;
        engine.unregisterCallout(reg.key());
        byKey.remove(reg.key());
        byId.remove(reg.id());
        return CalloutStatus.SUCCESS;
    }

    /** True if at least one callout is registered (cheap; the packet path asks it). */
    public boolean hasCallouts() { return !byId.isEmpty(); }

    /** A registered callout by key. */
    public Optional<RegisteredCallout> byKey(UUID key) { return Optional.ofNullable(byKey.get(key)); }

    /** A registered callout by id. */
    public Optional<RegisteredCallout> byId(int id) { return Optional.ofNullable(byId.get(id)); }

    /** All registered callouts, by id. */
    public List<RegisteredCallout> registered() {
        List<RegisteredCallout> l = new ArrayList<>(byId.values());
        l.sort(Comparator.comparingInt(RegisteredCallout::id));
        return l;
    }

    /**
     * FwpsFlowAssociateContext (§2.6): INVALID_PARAMETER for context 0 or a callout without flowDelete,
     * OBJECT_NAME_EXISTS if one is associated for (flow, layer, callout), NOT_FOUND for an unknown callout.
     * Must run on the flow table's thread.
     */
    public CalloutStatus associateContext(FlowTable table, Flow flow, Layer layer, int calloutId, long context) {
        RegisteredCallout reg = byId.get(calloutId);
        if (reg == null) return CalloutStatus.NOT_FOUND;
        if (reg.registration().flowDelete() == null || context == 0) return CalloutStatus.INVALID_PARAMETER;
        reg.contexts.incrementAndGet(); // before: a concurrent unregister must see it
        CalloutStatus s = map(table.associateContext(flow, layerId(layer), calloutId, context));
        if (s != CalloutStatus.SUCCESS) reg.contexts.decrementAndGet();
        return s;
    }

    /**
     * FwpsFlowAssociateContext from inside a classify (§2.6): the flow is the current indication's
     * ({@code ctx.flow()}), its table the packet thread's ({@link ClassifyHandle#flowTable()}), so a callout needs
     * neither. {@code layer} may differ from the classifying layer (e.g. associate at FLOW_ESTABLISHED for STREAM).
     * Statuses as {@link #associateContext(FlowTable, Flow, Layer, int, long)}; INVALID_PARAMETER where the
     * indication carries no flow.
     */
    public CalloutStatus associateContext(ClassifyContext ctx, Layer layer, int calloutId, long context) {
        ClassifyHandle h = ClassifyHandle.of(ctx);
        if (h == null || !(ctx.flow() instanceof Flow f) || f.isEnded()) return CalloutStatus.INVALID_PARAMETER;
        return associateContext(h.flowTable(), f, layer, calloutId, context);
    }

    /** FwpsFlowRemoveContext from inside a classify, for the current indication's flow; see {@link #associateContext(ClassifyContext, Layer, int, long)}. */
    public CalloutStatus removeContext(ClassifyContext ctx, Layer layer, int calloutId) {
        ClassifyHandle h = ClassifyHandle.of(ctx);
        if (h == null || !(ctx.flow() instanceof Flow f)) return CalloutStatus.INVALID_PARAMETER;
        return removeContext(h.flowTable(), f, layer, calloutId);
    }

    /**
     * FwpsFlowRemoveContext (§2.6): SUCCESS with flowDelete already run, PENDING if a classify of the flow is running
     * (flowDelete runs when it ends), UNSUCCESSFUL if nothing is associated.
     */
    public CalloutStatus removeContext(FlowTable table, Flow flow, Layer layer, int calloutId) {
        return map(table.removeContext(flow, layerId(layer), calloutId));
    }

    private static CalloutStatus map(ContextStatus s) {
        switch (s) {
            case SUCCESS: return CalloutStatus.SUCCESS;
            case PENDING: return CalloutStatus.PENDING;
            case OBJECT_NAME_EXISTS: return CalloutStatus.OBJECT_NAME_EXISTS;
            case UNSUCCESSFUL: return CalloutStatus.UNSUCCESSFUL;
            case INSUFFICIENT_RESOURCES: return CalloutStatus.INSUFFICIENT_RESOURCES;
            default: return CalloutStatus.INVALID_PARAMETER;
        }
    }

    /** Where flow-end notifications ({@link FlowDeleteListener#flowEnded}) are forwarded, e.g. the ALE closure hook. */
    public void setFlowListener(FlowDeleteListener l) { this.flowListener = Objects.requireNonNull(l); }

    @Override
    public void flowDelete(Flow flow, int layerId, int calloutId, long context) {
        RegisteredCallout reg = byId.get(calloutId);
        if (reg != null) {
            reg.contexts.decrementAndGet();
            FlowDeleteFunction fn = reg.registration().flowDelete();
            if (fn != null) fn.flowDelete(layerId, calloutId, context); // a throw is counted by the flow table
        }
        flowListener.flowDelete(flow, layerId, calloutId, context);
    }

    @Override
    public void flowEnded(Flow flow, CloseReason reason) { flowListener.flowEnded(flow, reason); }

    @Override
    public void beforeCommit(List<Filter> added) throws FilterValidationException {
        List<Filter> accepted = new ArrayList<>();
        for (Filter f : added) {
            RegisteredCallout reg = calloutOf(f);
            if (reg == null || reg.registration().has(CalloutFlags.ENABLE_COMMIT_ADD_NOTIFY)) continue;
            CalloutStatus s = notify(reg, NotifyType.FILTER_ADD, f);
            if (s != CalloutStatus.SUCCESS) {
                // The batch is rejected: let callouts that accepted earlier filters free their per-filter state.
                for (Filter a : accepted) notify(calloutOf(a), NotifyType.FILTER_DELETE, a);
                throw new FilterValidationException(ErrorCode.FWP_E_CALLOUT_NOTIFICATION_FAILED,
                        "callout " + reg.registration().name() + " rejected filter " + f.name() + ": " + s);
            }
            accepted.add(f);
        }
    }

    @Override
    public void afterCommit(List<Filter> added, List<Filter> deleted) {
        for (Filter f : added) {
            RegisteredCallout reg = calloutOf(f);
            if (reg != null && reg.registration().has(CalloutFlags.ENABLE_COMMIT_ADD_NOTIFY)) notify(reg, NotifyType.FILTER_ADD, f);
        }
        for (Filter f : deleted) {
            RegisteredCallout reg = calloutOf(f);
            if (reg != null) notify(reg, NotifyType.FILTER_DELETE, f);
        }
    }

    private RegisteredCallout calloutOf(Filter f) {
        return f.calloutKey() == null ? null : byKey.get(f.calloutKey());
    }

    private static CalloutStatus notify(RegisteredCallout reg, NotifyType type, Filter f) {
        try {
            CalloutStatus s = reg.registration().notifyFunction().notify(type, type == NotifyType.FILTER_ADD ? f.key() : null, f);
            return s == null ? CalloutStatus.UNSUCCESSFUL : s;
        } catch (RuntimeException e) {
            return CalloutStatus.UNSUCCESSFUL;
        }
    }

    /** The {@code n} callouts with the slowest single classify call, slowest first (M-10). */
    public List<CalloutTiming> slowest(int n) {
        List<CalloutTiming> all = new ArrayList<>();
        for (RegisteredCallout r : byId.values()) all.add(r.timing());
        all.sort(Comparator.comparingLong(CalloutTiming::maxNanos).reversed().thenComparingInt(CalloutTiming::calloutId));
        return all.size() > n ? List.copyOf(all.subList(0, n)) : all;
    }

    /** The classify budget. */
    public ClassifyBudget budget() { return budget; }
}
