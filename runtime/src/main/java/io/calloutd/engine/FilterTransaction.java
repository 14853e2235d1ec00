package io.calloutd.engine;

import static io.calloutd.engine.ErrorCode.*;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A batch of sublayer/filter changes applied all-or-nothing by {@link FilterEngine#update}. Each operation is
 * validated against the engine state plus the earlier operations of the batch; packets see either none or all of
 * the batch. Only usable inside the {@code update} body that created it.
 */
public final class FilterTransaction {
    private final FilterEngine.State master;
    final Map<UUID, Sublayer> addedSublayers = new LinkedHashMap<>();
    final Set<UUID> deletedSublayers = new HashSet<>();
    final Map<Long, CompiledFilter> added = new LinkedHashMap<>();
    final Map<Long, CompiledFilter> deleted = new LinkedHashMap<>();
    private final Map<UUID, Long> addedKeys = new HashMap<>();
    final Set<Layer> touched = EnumSet.noneOf(Layer.class);

    FilterTransaction(FilterEngine.State master) {
        this.master = master;
    }

    /** Adds a sublayer; fails with FWP_E_ALREADY_EXISTS if its key is taken. */
    public Sublayer addSublayer(Sublayer s) throws FilterValidationException {
        Objects.requireNonNull(s, "sublayer");
        if (sublayer(s.key()) != null) throw new FilterValidationException(FWP_E_ALREADY_EXISTS, "sublayer " + s.key() + " exists");
        deletedSublayers.remove(s.key());
        addedSublayers.put(s.key(), s);
        return s;
    }

    /** Deletes a sublayer; built-ins and sublayers still holding filters are FWP_E_IN_USE. */
    public void deleteSublayer(UUID key) throws FilterValidationException {
        if (sublayer(key) == null) throw new FilterValidationException(FWP_E_SUBLAYER_NOT_FOUND, "sublayer " + key);
        if (key.equals(Sublayer.UNIVERSAL.key()) || key.equals(Sublayer.INSPECTION.key())) {
            throw new FilterValidationException(FWP_E_IN_USE, "built-in sublayer " + key + " cannot be deleted");
        }
        int use = master.sublayerUse.getOrDefault(key, 0);
        for (CompiledFilter cf : deleted.values()) if (cf.filter.sublayer().key().equals(key)) use--;
        for (CompiledFilter cf : added.values()) if (cf.filter.sublayer().key().equals(key)) use++;
        if (use > 0) throw new FilterValidationException(FWP_E_IN_USE, "sublayer " + key + " still holds " + use + " filter(s)");
        if (addedSublayers.remove(key) == null) deletedSublayers.add(key);
    }

    /** Validates and adds a filter; returns it with its id and effective weight. */
    public Filter addFilter(FilterSpec spec) throws FilterValidationException {
        Objects.requireNonNull(spec, "spec");
        Validator.validate(spec);
        Sublayer sub = sublayer(spec.sublayerKey);
        if (sub == null) throw new FilterValidationException(FWP_E_SUBLAYER_NOT_FOUND, "filter '" + spec.name + "': sublayer " + spec.sublayerKey);
        if (idForKey(spec.key) != null) throw new FilterValidationException(FWP_E_ALREADY_EXISTS, "filter key " + spec.key + " exists");
        long id = master.nextId++;
        Filter f = new Filter(id, spec, sub, AutoWeight.effective(spec.weight, spec.conditions));
        CalloutSlot slot = spec.calloutKey == null ? null : master.slot(spec.calloutKey);
        added.put(id, new CompiledFilter(f, slot));
        addedKeys.put(spec.key, id);
        touched.add(spec.layer);
        return f;
    }

    /** Deletes a filter by run-time id; FWP_E_FILTER_NOT_FOUND if absent. */
    public Filter deleteFilter(long id) throws FilterValidationException {
        CompiledFilter cf = added.remove(id);
        if (cf != null) {
            addedKeys.remove(cf.filter.key());
            return cf.filter;
        }
        cf = deleted.containsKey(id) ? null : master.filters.get(id);
        if (cf == null) throw new FilterValidationException(FWP_E_FILTER_NOT_FOUND, "filter id " + id);
        deleted.put(id, cf);
        touched.add(cf.filter.layer());
        return cf.filter;
    }

    /** Deletes a filter by key; FWP_E_FILTER_NOT_FOUND if absent. */
    public Filter deleteFilter(UUID key) throws FilterValidationException {
        Long id = idForKey(key);
        if (id == null) throw new FilterValidationException(FWP_E_FILTER_NOT_FOUND, "filter key " + key);
        return deleteFilter(id);
    }

    private Sublayer sublayer(UUID key) {
        if (deletedSublayers.contains(key)) return null;
        Sublayer s = addedSublayers.get(key);
        return s != null ? s : master.sublayers.get(key);
    }

    private Long idForKey(UUID key) {
        Long id = addedKeys.get(key);
        if (id != null) return id;
        id = master.keyToId.get(key);
        return id != null && !deleted.containsKey(id) ? id : null;
    }
}
