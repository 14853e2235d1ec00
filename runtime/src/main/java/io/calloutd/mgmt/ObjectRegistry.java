package io.calloutd.mgmt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Management records by key; copied for each transaction so that abort is just dropping the copy. */
final class ObjectRegistry {
    final Map<UUID, ManagedObject> sublayers;
    final Map<UUID, ManagedObject> callouts;
    final Map<UUID, ManagedObject> filters;

    ObjectRegistry() {
        this(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
    }

    private ObjectRegistry(Map<UUID, ManagedObject> s, Map<UUID, ManagedObject> c, Map<UUID, ManagedObject> f) {
        sublayers = s;
        callouts = c;
        filters = f;
    }

    ObjectRegistry copy() {
        return new ObjectRegistry(new LinkedHashMap<>(sublayers), new LinkedHashMap<>(callouts), new LinkedHashMap<>(filters));
    }

    Map<UUID, ManagedObject> of(Session.Kind k) {
        switch (k) {
            case SUBLAYER: return sublayers;
            case CALLOUT: return callouts;
            default: return filters;
        }
    }

    /** Objects referencing {@code key}. */
    List<ManagedObject> referrers(UUID key) {
        List<ManagedObject> out = new ArrayList<>();
        for (ManagedObject o : filters.values()) if (o.references().contains(key)) out.add(o);
        return out;
    }

    /** All objects with the given lifetime, per kind, in insertion order. */
    List<ManagedObject> withLifetime(Session.Kind k, Lifetime l) {
        List<ManagedObject> out = new ArrayList<>();
        for (ManagedObject o : of(k).values()) if (o.lifetime() == l) out.add(o);
        return out;
    }
}
