package io.calloutd.config;

import io.calloutd.callout.CalloutException;
import io.calloutd.callout.CalloutRegistration;
import io.calloutd.callout.CalloutRegistry;
import io.calloutd.callout.CalloutStatus;
import io.calloutd.callout.FlowDeleteFunction;
import io.calloutd.engine.Callout;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.FilterValidationException;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Sublayer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Applies a {@link CompiledPolicy} to an engine as one transaction: the previous configuration's filters are
 * replaced by the new ones atomically, so a packet sees the old or the new policy. Objects added through the
 * management API are left alone. Callout instances are registered through a stable forwarding callout whose
 * delegate is swapped on reload, so a changed callout never passes through an unregistered state.
 */
public final class PolicyApplier {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PolicyApplier.class);
    private final FilterEngine engine;
    private final CalloutRegistry registry;
    private Map<UUID, Sublayer> sublayers = Map.of();
    private Map<UUID, String> filters = Map.of();
    private final Map<UUID, Forwarding> callouts = new LinkedHashMap<>();
    private CompiledPolicy current;

    /** An applier for {@code engine}, with nothing applied yet; callouts are registered on the engine directly. */
    public PolicyApplier(FilterEngine engine) {
        this(engine, null);
    }

    /**
     * An applier that registers configured callouts through {@code registry} (notify, flowDelete, classify budgets
     * and failure verdicts apply to them like to any driver's callout); null registers on the engine directly.
     */
    public PolicyApplier(FilterEngine engine, CalloutRegistry registry) {
        this.engine = engine;
        this.registry = registry;
    }

    /**
     * Replaces the applied configuration with {@code p}. On failure the engine is unchanged, the message names
     * the file and the filter or sublayer at fault, and {@code p}'s callout instances are closed. On success a
     * callout whose type and parameters did not change keeps its running instance (and state); a changed one is
     * swapped in place and the old instance closed; a removed one is unregistered and closed.
     */
    public synchronized void apply(CompiledPolicy p) throws ConfigException {
        try {
            applyOrThrow(p);
        } catch (ConfigException | RuntimeException e) {
            p.closeCallouts();
            throw e;
        }
    }

    private void applyOrThrow(CompiledPolicy p) throws ConfigException {
        Map<UUID, Forwarding> added = new LinkedHashMap<>();
        for (CompiledPolicy.CalloutInstance c : p.callouts()) {
            if (callouts.containsKey(c.key())) continue;
            if (engine.isCalloutRegistered(c.key())) {
                unregisterAll(added);
                throw new ConfigException(p.source(), 0, 0, "callouts." + c.id(), "callout key " + c.key() + " is already registered by someone else");
            }
            Forwarding f = new Forwarding(c);
            try {
                register(f);
            } catch (FilterValidationException | CalloutException e) {
                unregisterAll(added);
                throw new ConfigException(p.source(), 0, 0, "callouts." + c.id(), e.getMessage());
            }
            added.put(c.key(), f);
        }
        int[] step = {-1};
        List<Filter> installed = new java.util.ArrayList<>();
        Map<UUID, Sublayer> newSublayers = new LinkedHashMap<>();
        for (Sublayer s : p.sublayers()) newSublayers.put(s.key(), s);
        try {
            engine.update(tx -> {
                for (UUID k : filters.keySet()) tx.deleteFilter(k);
                for (Sublayer s : sublayers.values()) if (!s.equals(newSublayers.get(s.key()))) tx.deleteSublayer(s.key());
                for (Sublayer s : p.sublayers()) if (!s.equals(sublayers.get(s.key()))) tx.addSublayer(s);
                step[0] = 0;
                for (FilterSpec spec : p.filters()) {
                    installed.add(tx.addFilter(spec));
                    step[0]++;
                }
                return null;
            });
        } catch (FilterValidationException e) {
            unregisterAll(added);
            String where = step[0] < 0 ? "sublayers" : "filters[" + step[0] + "]";
            throw new ConfigException(p.source(), 0, 0, where, e.getMessage());
        }
        callouts.putAll(added);
        Set<UUID> keep = new java.util.HashSet<>();
        for (CompiledPolicy.CalloutInstance c : p.callouts()) {
            keep.add(c.key());
            Forwarding f = callouts.get(c.key());
            if (added.containsKey(c.key())) continue;
            if (f.instance.sameDefinition(c)) {
                c.close(); // unchanged: the running instance keeps its state
            } else {
                CompiledPolicy.CalloutInstance old = f.instance;
                f.instance = c;
                old.close();
            }
        }
        callouts.entrySet().removeIf(e -> {
            if (keep.contains(e.getKey())) return false;
            unregister(e.getKey());
            e.getValue().instance.close();
            return true;
        });
        Map<UUID, String> applied = new LinkedHashMap<>();
        for (int i = 0; i < installed.size(); i++) applied.put(installed.get(i).key(), "filters[" + i + "]");
        sublayers = newSublayers;
        filters = applied;
        current = p;
    }

    /** Keys of the sublayers the configuration created. */
    public synchronized Set<UUID> sublayerKeys() { return Set.copyOf(sublayers.keySet()); }

    /** Keys of the filters the configuration created. */
    public synchronized Set<UUID> filterKeys() { return Set.copyOf(filters.keySet()); }

    /** Keys of the callouts the configuration registered. */
    public synchronized Set<UUID> calloutKeys() { return Set.copyOf(callouts.keySet()); }

    /** The applied policy, or null. */
    public synchronized CompiledPolicy current() { return current; }

    /** What each configured callout reports ({@link io.calloutd.callout.CalloutInstance#status()}), by config id. */
    public synchronized Map<String, Map<String, Object>> calloutStatus() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Forwarding f : callouts.values()) {
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("type", f.instance.type());
            try {
                st.putAll(f.instance.callout().status());
            } catch (RuntimeException e) {
                st.put("statusError", e.toString());
            }
            out.put(f.instance.id(), st);
        }
        return out;
    }

    /** Unregisters and closes every configured callout (daemon stop). */
    public synchronized void close() {
        for (Map.Entry<UUID, Forwarding> e : callouts.entrySet()) {
            unregister(e.getKey());
            e.getValue().instance.close();
        }
        callouts.clear();
    }

    private void register(Forwarding f) throws FilterValidationException, CalloutException {
        if (registry == null) {
            engine.registerCallout(f.instance.key(), f);
            return;
        }
        CalloutRegistration.Builder b = CalloutRegistration.builder(f.instance.key()).name(f.instance.id())
                .flags(f.instance.callout().flags()).classify(f)
                .notify((type, key, filter) -> f.instance.callout().notifyFunction().notify(type, key, filter));
        if (f.instance.callout().flowDelete() != null) {
            b.flowDelete((layerId, calloutId, context) -> {
                FlowDeleteFunction fd = f.instance.callout().flowDelete();
                if (fd != null) fd.flowDelete(layerId, calloutId, context);
            });
        }
        registry.register(b.build());
    }

    private void unregister(UUID key) {
        if (registry == null) {
            engine.unregisterCallout(key);
            return;
        }
        CalloutStatus st = registry.unregister(key);
        if (st != CalloutStatus.SUCCESS) {
            LOG.warn("callout {} could not be unregistered: {}", key, st);
        }
    }

    private void unregisterAll(Map<UUID, Forwarding> added) {
        for (UUID k : added.keySet()) unregister(k);
    }

    /**
     * Forwards to the current instance; the engine holds this object for the callout's whole life. A changed
     * instance takes over the flow contexts of the one it replaced (their flowDelete reaches the new instance,
     * which ignores contexts it did not create).
     */
    private static final class Forwarding implements Callout {
        volatile CompiledPolicy.CalloutInstance instance;

        Forwarding(CompiledPolicy.CalloutInstance instance) {
            this.instance = instance;
        }

        @Override public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
            instance.callout().classify(in, ctx, filter, out);
        }
    }
}
