package io.calloutd.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The filter engine: sublayers, filters and callout registrations, and the classify path (§1.6).
 *
 * <p><b>Concurrency.</b> Changes are serialized and published as an immutable per-layer policy array through a
 * volatile reference (copy-on-write): a classification reads the reference once and sees the old or the new
 * policy, never a mix. Every committed change bumps the generation of each layer it touched (for reauthorization,
 * §1.8). {@link #classify} takes no lock and allocates nothing unless a net event is built.
 */
public final class FilterEngine {
    private final EngineConfig config;
    private final EngineCounters counters = new EngineCounters();
    private final Arbiter arbiter = new Arbiter(counters);
    private final State state = new State();
    private volatile LayerPolicy[] policies;
    private volatile FilterChangeListener filterListener = FilterChangeListener.NONE;
    private volatile boolean allowEvents;
    /** Per-thread filter counters (see {@link FilterCounters}), by owning result. */
    private final List<CounterOwner> threadCounters = new ArrayList<>();

    /** An engine with {@link EngineConfig#defaults()}. */
    public FilterEngine() {
        this(EngineConfig.defaults());
    }

    /** An engine with the given configuration; the built-in UNIVERSAL and INSPECTION sublayers exist. */
    public FilterEngine(EngineConfig config) {
        this.config = config;
        LayerPolicy[] p = new LayerPolicy[Layer.ALL.length];
        Arrays.fill(p, LayerPolicy.EMPTY);
        policies = p;
        state.sublayers.put(Sublayer.UNIVERSAL.key(), Sublayer.UNIVERSAL);
        state.sublayers.put(Sublayer.INSPECTION.key(), Sublayer.INSPECTION);
    }

    /** Body of an atomic change. */
    @FunctionalInterface
    public interface Change<T> {
        /** Performs operations on {@code tx}; throwing discards them all. */
        T apply(FilterTransaction tx) throws FilterValidationException;
    }

    /** Applies {@code body} atomically: all its operations are published together, or none if it throws. */
    public <T> T update(Change<T> body) throws FilterValidationException {
        synchronized (state) {
            FilterTransaction tx = new FilterTransaction(state);
            T result = body.apply(tx);
            FilterChangeListener l = filterListener;
            List<Filter> added = filtersOf(tx.added.values());
            l.beforeCommit(added); // may veto the whole batch (notify ADD failure, §2.5)
            commit(tx);
            l.afterCommit(added, filtersOf(tx.deleted.values()));
            return result;
        }
    }

    private static List<Filter> filtersOf(Collection<CompiledFilter> cfs) {
        if (cfs.isEmpty()) return List.of();
        List<Filter> out = new ArrayList<>(cfs.size());
        for (CompiledFilter cf : cfs) out.add(cf.filter);
        return out;
    }

    /**
     * Installs the listener told about filter adds and deletes (the hook callout notify functions hang off, §2.5);
     * {@link FilterChangeListener#NONE} removes it.
     */
    public void setFilterChangeListener(FilterChangeListener listener) {
        this.filterListener = java.util.Objects.requireNonNull(listener);
    }

    /** Adds a sublayer. */
    public Sublayer addSublayer(Sublayer s) throws FilterValidationException { return update(tx -> tx.addSublayer(s)); }

    /** Deletes an empty, non-built-in sublayer. */
    public void deleteSublayer(UUID key) throws FilterValidationException {
        update(tx -> { tx.deleteSublayer(key); return null; });
    }

    /** Adds one filter (a one-operation transaction). */
    public Filter addFilter(FilterSpec spec) throws FilterValidationException { return update(tx -> tx.addFilter(spec)); }

    /** Deletes one filter by id. */
    public Filter deleteFilter(long id) throws FilterValidationException { return update(tx -> tx.deleteFilter(id)); }

    /** Deletes one filter by key. */
    public Filter deleteFilter(UUID key) throws FilterValidationException { return update(tx -> tx.deleteFilter(key)); }

    /** Registers the classify function for a callout key; FWP_E_ALREADY_EXISTS if one is registered (§2.1). */
    public void registerCallout(UUID key, Callout callout) throws FilterValidationException {
        CalloutSlot slot = state.slot(key);
        synchronized (slot) {
            if (slot.callout != null) throw new FilterValidationException(ErrorCode.FWP_E_ALREADY_EXISTS, "callout " + key + " is registered");
            slot.callout = java.util.Objects.requireNonNull(callout);
        }
    }

    /** Unregisters a callout; filters naming it then follow the unregistered rules (§1.5). False if it was not registered. */
    public boolean unregisterCallout(UUID key) {
        CalloutSlot slot = state.callouts.get(key);
        if (slot == null) return false;
        synchronized (slot) {
            boolean was = slot.callout != null;
            slot.callout = null;
            return was;
        }
    }

    /** True if a classify function is registered for {@code key}. */
    public boolean isCalloutRegistered(UUID key) {
        CalloutSlot slot = state.callouts.get(key);
        return slot != null && slot.callout != null;
    }

    /**
     * Classifies one indication at {@code layer} (§1.6.2). On BLOCK without ABSORB the discard twin is classified
     * with {@link DiscardReason#FIREWALL_POLICY} and a CLASSIFY_DROP event is emitted (a VETO event instead after a
     * veto, even if absorbed). Classifying a discard layer directly emits no event and has no twin.
     *
     * @return the verdict, also stored in {@code result}
     */
    public Verdict classify(Layer layer, IncomingValues in, ClassifyContext ctx, ClassifyResult result) {
        if (result.counters == null || result.counters.engine != this) adoptCounters(result);
        LayerPolicy[] p = policies;
        ctx.layer(layer);
        ArbitrationState st = result.main;
        LayerPolicy lp = p[layer.ordinal()];
        arbiter.arbitrate(lp, layer, in, ctx, result, st);
        Verdict v = verdictOf(st);
        boolean absorbed = v == Verdict.BLOCK && (st.flags & ClassifyOut.FLAG_ABSORB) != 0;
        result.layer = layer;
        result.verdict = v;
        result.action = st.action;
        result.rights = st.rights;
        result.flags = st.flags;
        result.filterId = st.action != ActionType.CONTINUE ? st.deciderId : 0;
        result.reason = st.action == ActionType.CONTINUE ? DecisionReason.DEFAULT_VERDICT : st.reason;
        result.absorbed = absorbed;
        result.vetoed = st.vetoed;
        result.overriddenFilterId = st.overriddenFilterId;
        result.generation = lp.generation;
        result.filtersEvaluated = st.evaluated;
        result.discardVerdict = null;
        count(layer, result);
        if (layer.isDiscard()) return v;
        if (v == Verdict.BLOCK && !absorbed) {
            Layer twin = layer.discardTwin();
            if (twin != null) classifyTwin(p, twin, in, ctx, result);
            ctx.layer(layer);
            if (!st.vetoed) emit(NetEventType.CLASSIFY_DROP, result, in);
        }
        if (st.vetoed) emit(NetEventType.VETO, result, in);
        return v;
    }

    private void classifyTwin(LayerPolicy[] p, Layer twin, IncomingValues in, ClassifyContext ctx, ClassifyResult result) {
        DiscardReason previous = ctx.discardReason();
        ctx.discardReason(DiscardReason.FIREWALL_POLICY);
        ctx.layer(twin);
        ArbitrationState ds = result.discard;
        arbiter.arbitrate(p[twin.ordinal()], twin, in, ctx, result, ds);
        result.discardVerdict = verdictOf(ds);
        counters.increment(twin, EngineCounters.Kind.CLASSIFICATIONS);
        ctx.discardReason(previous);
    }

    private Verdict verdictOf(ArbitrationState st) {
        if (st.action == ActionType.BLOCK) return Verdict.BLOCK;
        if (st.action == ActionType.PERMIT) return Verdict.PERMIT;
        return config.defaultVerdict();
    }

    private void count(Layer layer, ClassifyResult r) {
        counters.increment(layer, EngineCounters.Kind.CLASSIFICATIONS);
        counters.increment(layer, r.verdict == Verdict.BLOCK ? EngineCounters.Kind.BLOCKS : EngineCounters.Kind.PERMITS);
        if (r.reason == DecisionReason.DEFAULT_VERDICT) counters.increment(layer, EngineCounters.Kind.DEFAULT_VERDICTS);
        if (r.absorbed) counters.increment(layer, EngineCounters.Kind.ABSORBED);
        if (r.vetoed) counters.increment(layer, EngineCounters.Kind.VETOES);
    }

    private void emit(NetEventType type, ClassifyResult r, IncomingValues in) {
        NetEventSink sink = config.netEvents();
        if (!sink.accepts(type)) return;
        counters.increment(r.layer, EngineCounters.Kind.NET_EVENTS);
        sink.onEvent(new NetEvent(config.clockMillis().getAsLong(), type, r.layer, r.filterId, r.reason,
                r.overriddenFilterId, in.describe()));
    }

    /**
     * The filters of {@code layer} whose conditions all match {@code in}, in arbitration order. The stream layer
     * builds its per-sublayer waterfall (§1.6.5) from them once per flow; allocates, so not for per-packet use.
     */
    public List<Filter> matchingFilters(Layer layer, IncomingValues in) {
        LayerPolicy lp = policies[layer.ordinal()];
        List<Filter> out = new ArrayList<>();
        for (int r = 0; r < lp.ranked.length; r++) {
            if (lp.conditions.matches(r, in)) out.add(lp.ranked[r].filter);
        }
        return out;
    }

    /**
     * Invokes the classify function of one callout filter outside arbitration (the stream layer drives each
     * sublayer on its own, §1.6.5). {@code out} is reset to CONTINUE with WRITE and the engine-set {@code flags}
     * ({@link ClassifyOut#FLAG_NO_MORE_DATA}, {@link ClassifyOut#FLAG_BUFFER_LIMIT_REACHED}) before the call.
     *
     * @return false if the callout is not registered or threw (the caller applies the unregistered rules, §1.5)
     */
    public boolean invokeCallout(Filter filter, IncomingValues in, ClassifyContext ctx, int flags, ClassifyOut out) {
        CalloutSlot slot = filter.calloutKey() == null ? null : state.callouts.get(filter.calloutKey());
        Callout c = slot == null ? null : slot.callout;
        out.reset(ActionType.CONTINUE, ClassifyOut.RIGHT_ACTION_WRITE, flags);
        if (c == null) {
            counters.increment(filter.layer(), EngineCounters.Kind.CALLOUT_UNREGISTERED);
            return false;
        }
        ctx.layer(filter.layer());
        try {
            c.classify(in, ctx, filter, out);
            return true;
        } catch (RuntimeException e) {
            counters.increment(filter.layer(), EngineCounters.Kind.CALLOUT_ERRORS);
            return false;
        }
    }

    /** Layer counters. */
    public EngineCounters counters() { return counters; }

    /** Times filter {@code id}'s conditions matched (it was evaluated); 0 if unknown. */
    public long filterMatches(long id) {
        CompiledFilter cf = state.filters.get(id);
        if (cf == null) return 0;
        List<FilterCounters> live = liveCounters(); // first: it adds the counts of dropped scratches to the filters
        long n = cf.matchCount();
        for (FilterCounters c : live) n += c.matchesOf(cf);
        return n;
    }

    /** Times filter {@code id} decided a BLOCK verdict; 0 if unknown. */
    public long filterBlocks(long id) {
        CompiledFilter cf = state.filters.get(id);
        if (cf == null) return 0;
        List<FilterCounters> live = liveCounters();
        long n = cf.blockCount();
        for (FilterCounters c : live) n += c.blocksOf(cf);
        return n;
    }

    /**
     * Gives {@code result} (one packet thread's scratch) its own filter counters for this engine. The engine keeps
     * them while the result is reachable; once it is collected, the next read adds its counts to the filters.
     */
    private void adoptCounters(ClassifyResult result) {
        FilterCounters old = result.counters;
        if (old != null) old.flushAll(); // the result moves to this engine; its counts stay with the filters
        FilterCounters c = new FilterCounters(this);
        result.counters = c;
        synchronized (threadCounters) {
            threadCounters.add(new CounterOwner(result, c));
        }
        liveCounters(); // sweeps counters of collected results
    }

    /** Counters of the results still reachable; those of collected results are added to their filters first. */
    private List<FilterCounters> liveCounters() {
        synchronized (threadCounters) {
            List<FilterCounters> live = new ArrayList<>(threadCounters.size());
            for (java.util.Iterator<CounterOwner> it = threadCounters.iterator(); it.hasNext(); ) {
                CounterOwner o = it.next();
                if (o.get() == null) {
                    o.counters.flushAll();
                    it.remove();
                } else {
                    live.add(o.counters);
                }
            }
            return live;
        }
    }

    /** A result (weakly) and its counters (strongly, so that they can be flushed after the result is gone). */
    private static final class CounterOwner extends java.lang.ref.WeakReference<ClassifyResult> {
        final FilterCounters counters;

        CounterOwner(ClassifyResult owner, FilterCounters counters) {
            super(owner);
            this.counters = counters;
        }
    }

    /** Policy generation of a layer; bumped by every committed change touching it. */
    public long generation(Layer layer) { return policies[layer.ordinal()].generation; }

    /**
     * Turns {@link NetEventType#CLASSIFY_ALLOW} events on or off (WFP's CLASSIFY_ALLOW net event keyword, §8.7; off by
     * default because every permitted flow then costs an event).
     */
    public void collectAllowEvents(boolean on) { allowEvents = on; }

    /** True while {@link NetEventType#CLASSIFY_ALLOW} events are collected. */
    public boolean collectsAllowEvents() { return allowEvents; }

    /** The configuration. */
    public EngineConfig config() { return config; }

    /** A filter by id. */
    public Optional<Filter> filter(long id) {
        synchronized (state) {
            CompiledFilter cf = state.filters.get(id);
            return Optional.ofNullable(cf == null ? null : cf.filter);
        }
    }

    /** Filters of a layer in arbitration order. */
    public List<Filter> filters(Layer layer) {
        List<Filter> out = new ArrayList<>();
        for (CompiledFilter cf : policies[layer.ordinal()].ranked) out.add(cf.filter);
        return out;
    }

    /** Sublayers, in arbitration order. */
    public List<Sublayer> sublayers() {
        synchronized (state) {
            List<Sublayer> out = new ArrayList<>(state.sublayers.values());
            out.sort(Sublayer::order);
            return out;
        }
    }

    private void commit(FilterTransaction tx) {
        State s = state;
        for (UUID k : tx.deletedSublayers) s.sublayers.remove(k);
        s.sublayers.putAll(tx.addedSublayers);
        for (CompiledFilter cf : tx.deleted.values()) {
            Filter f = cf.filter;
            s.filters.remove(f.id());
            s.keyToId.remove(f.key());
            s.perLayer.get(f.layer()).remove(f.id());
            s.sublayerUse.merge(f.sublayer().key(), -1, Integer::sum);
        }
        for (CompiledFilter cf : tx.added.values()) {
            Filter f = cf.filter;
            s.filters.put(f.id(), cf);
            s.keyToId.put(f.key(), f.id());
            s.perLayer.computeIfAbsent(f.layer(), l -> new LinkedHashMap<>()).put(f.id(), cf);
            s.sublayerUse.merge(f.sublayer().key(), 1, Integer::sum);
        }
        if (tx.touched.isEmpty()) return;
        LayerPolicy[] next = policies.clone();
        for (Layer l : tx.touched) {
            Collection<CompiledFilter> fs = s.perLayer.getOrDefault(l, Map.of()).values();
            next[l.ordinal()] = LayerPolicy.build(fs, next[l.ordinal()].generation + 1);
        }
        policies = next; // publish
    }

    /** Master state, mutated only under its own monitor. */
    static final class State {
        final Map<UUID, Sublayer> sublayers = new LinkedHashMap<>();
        final Map<Long, CompiledFilter> filters = new ConcurrentHashMap<>();
        final Map<UUID, Long> keyToId = new HashMap<>();
        final Map<Layer, Map<Long, CompiledFilter>> perLayer = new EnumMap<>(Layer.class);
        final Map<UUID, Integer> sublayerUse = new HashMap<>();
        final ConcurrentHashMap<UUID, CalloutSlot> callouts = new ConcurrentHashMap<>();
        long nextId = 1;

        CalloutSlot slot(UUID key) {
            return callouts.computeIfAbsent(key, CalloutSlot::new);
        }
    }
}
