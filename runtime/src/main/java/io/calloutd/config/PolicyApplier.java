package io.calloutd.config;

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
    private final FilterEngine engine;
    private Map<UUID, Sublayer> sublayers = Map.of();
    private Map<UUID, String> filters = Map.of();
    private final Map<UUID, Forwarding> callouts = new HashMap<>();
    private CompiledPolicy current;

    /** An applier for {@code engine}, with nothing applied yet. */
    public PolicyApplier(FilterEngine engine) {
        this.engine = engine;
    }

    /**
     * Replaces the applied configuration with {@code p}. On failure the engine is unchanged and the message names
     * the file and the filter or sublayer at fault.
     */
    public synchronized void apply(CompiledPolicy p) throws ConfigException {
        Map<UUID, Forwarding> added = new HashMap<>();
        for (CompiledPolicy.CalloutInstance c : p.callouts()) {
            if (callouts.containsKey(c.key())) continue;
            if (engine.isCalloutRegistered(c.key())) {
                throw new ConfigException(p.source(), 0, 0, "callouts." + c.id(), "callout key " + c.key() + " is already registered by someone else");
            }
            Forwarding f = new Forwarding();
            f.delegate = c.callout();
            try {
                engine.registerCallout(c.key(), f);
            } catch (FilterValidationException e) {
                for (UUID k : added.keySet()) engine.unregisterCallout(k);
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
            for (UUID k : added.keySet()) engine.unregisterCallout(k);
            String where = step[0] < 0 ? "sublayers" : "filters[" + step[0] + "]";
            throw new ConfigException(p.source(), 0, 0, where, e.getMessage());
        }
        callouts.putAll(added);
        Set<UUID> keep = new java.util.HashSet<>();
        for (CompiledPolicy.CalloutInstance c : p.callouts()) {
            callouts.get(c.key()).delegate = c.callout();
            keep.add(c.key());
        }
        callouts.keySet().removeIf(k -> {
            if (keep.contains(k)) return false;
            engine.unregisterCallout(k);
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

    /** Forwards to the current instance; the engine holds this object for the callout's whole life. */
    private static final class Forwarding implements Callout {
        volatile Callout delegate;

        @Override public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
            Callout d = delegate;
            if (d != null) d.classify(in, ctx, filter, out);
        }
    }
}
