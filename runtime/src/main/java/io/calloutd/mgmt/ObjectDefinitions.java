package io.calloutd.mgmt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calloutd.config.ConfigLocations;
import io.calloutd.config.DefinitionException;
import io.calloutd.config.FilterCompiler;
import io.calloutd.config.FilterDef;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.FilterTransaction;
import io.calloutd.engine.FilterValidationException;
import io.calloutd.engine.Sublayer;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Turns API definitions into {@link Operation}s after the management-side checks the engine does not make:
 * reference existence, lifetime rules (§8.3), ADD_LINK on callouts (§8.8) and in-use deletes.
 */
final class ObjectDefinitions {
    private final FilterEngine engine;
    private final ManagementService.ConfigObjects config;

    ObjectDefinitions(FilterEngine engine, ManagementService.ConfigObjects config) {
        this.engine = engine;
        this.config = config;
    }

    /** An operation: an optional engine step plus a registry edit. */
    private record SimpleOp(Session.Kind kind, boolean add, ManagedObject object, Step step) implements Operation {
        @Override public Filter engine(FilterTransaction tx) throws FilterValidationException { return step.apply(tx); }
        @Override public void registry(ObjectRegistry r) {
            if (add) r.of(kind).put(object.key(), object);
            else r.of(kind).remove(object.key());
        }
    }

    @FunctionalInterface
    private interface Step {
        Filter apply(FilterTransaction tx) throws FilterValidationException;
    }

    static Operation withOwner(Operation op, int owner) {
        SimpleOp s = (SimpleOp) op;
        ManagedObject o = s.object();
        return new SimpleOp(s.kind(), s.add(), new ManagedObject(o.kind(), o.key(), o.name(), o.lifetime(), o.sessionId(),
                owner, o.references(), o.linkUids(), o.definition()), s.step());
    }

    record SublayerInput(UUID key, String name, Integer weight) { }

    record CalloutInput(UUID key, String name, Set<Integer> linkUids) { }

    Operation addSublayer(Session s, ObjectRegistry r, ObjectNode def, Lifetime life) throws MgmtException {
        SublayerInput in = bind(def, SublayerInput.class);
        UUID key = in.key() != null ? in.key() : UUID.randomUUID();
        int weight = in.weight() == null ? 0x1000 : in.weight();
        if (weight < 0 || weight > 0xFFFF) throw new MgmtException("FWP_E_INVALID_PARAMETER", "weight: must be 0..65535, got " + weight);
        String name = in.name() != null ? in.name() : key.toString();
        Sublayer sl = new Sublayer(key, name, weight);
        ObjectNode stored = def.deepCopy().put("key", key.toString());
        ManagedObject o = new ManagedObject("sublayer", key, name, life, s.id(), s.principal().uid(), Set.of(), Set.of(), stored);
        return new SimpleOp(Session.Kind.SUBLAYER, true, o, tx -> { tx.addSublayer(sl); return null; });
    }

    Operation addCallout(Session s, ObjectRegistry r, ObjectNode def, Lifetime life) throws MgmtException {
        CalloutInput in = bind(def, CalloutInput.class);
        UUID key = in.key() != null ? in.key() : UUID.randomUUID();
        if (r.callouts.containsKey(key) || config.calloutKeys().contains(key)) {
            throw new MgmtException("FWP_E_ALREADY_EXISTS", "callout " + key + " exists");
        }
        String name = in.name() != null ? in.name() : key.toString();
        ObjectNode stored = def.deepCopy().put("key", key.toString());
        Set<Integer> link = in.linkUids() == null ? Set.of() : Set.copyOf(in.linkUids());
        ManagedObject o = new ManagedObject("callout", key, name, life, s.id(), s.principal().uid(), Set.of(), link, stored);
        return new SimpleOp(Session.Kind.CALLOUT, true, o, tx -> null);
    }

    Operation addFilter(Session s, ObjectRegistry r, ObjectNode def, Lifetime life) throws MgmtException {
        FilterDef d = bind(def, FilterDef.class);
        UUID key = d.key() != null ? d.key() : UUID.randomUUID();
        UUID[] refs = new UUID[2];
        FilterCompiler.Resolver resolver = new FilterCompiler.Resolver() {
            @Override public UUID sublayer(String ref, String pointer) throws DefinitionException {
                return refs[0] = findSublayer(r, ref, pointer);
            }
            @Override public UUID callout(String ref, String pointer) throws DefinitionException {
                return refs[1] = findCallout(r, ref, pointer);
            }
        };
        FilterSpec spec;
        try {
            spec = FilterCompiler.compile(d, "", resolver, key);
        } catch (DefinitionException e) {
            throw new MgmtException("FWP_E_INVALID_PARAMETER", e.getMessage());
        }
        Set<UUID> references = new LinkedHashSet<>();
        UUID sublayerKey = refs[0] != null ? refs[0] : Sublayer.UNIVERSAL.key();
        references.add(sublayerKey);
        checkLifetime(s, life, "sublayer", sublayerKey, sublayerLifetime(r, sublayerKey), r.sublayers.get(sublayerKey));
        if (refs[1] != null) {
            references.add(refs[1]);
            ManagedObject callout = r.callouts.get(refs[1]);
            checkLifetime(s, life, "callout", refs[1], callout != null ? callout.lifetime() : Lifetime.STATIC, callout);
            if (callout != null && !callout.allowsLink(s.principal().uid())) {
                throw new MgmtException("FWP_E_ACCESS_DENIED", "uid " + s.principal().uid() + " lacks ADD_LINK on callout " + callout.name());
            }
        }
        ObjectNode stored = def.deepCopy().put("key", key.toString()).put("sublayer", sublayerKey.toString());
        if (refs[1] != null) stored.put("callout", refs[1].toString());
        String name = d.name() != null ? d.name() : d.id() != null ? d.id() : key.toString();
        ManagedObject o = new ManagedObject("filter", key, name, life, s.id(), s.principal().uid(), references, Set.of(), stored);
        return new SimpleOp(Session.Kind.FILTER, true, o, tx -> tx.addFilter(spec));
    }

    private static void checkLifetime(Session s, Lifetime life, String what, UUID key, Lifetime target, ManagedObject t) throws MgmtException {
        boolean same = t != null && t.sessionId() == s.id();
        if (!life.mayReference(target, same)) {
            throw new MgmtException("FWP_E_LIFETIME_MISMATCH", "a " + life + " filter cannot reference the " + target
                    + (target == Lifetime.DYNAMIC && !same ? " (other session's)" : "") + " " + what + " " + key);
        }
    }

    private Lifetime sublayerLifetime(ObjectRegistry r, UUID key) {
        ManagedObject o = r.sublayers.get(key);
        if (o != null) return o.lifetime();
        if (key.equals(Sublayer.UNIVERSAL.key()) || key.equals(Sublayer.INSPECTION.key())) return Lifetime.BUILTIN;
        return Lifetime.STATIC;
    }

    private UUID findSublayer(ObjectRegistry r, String ref, String pointer) throws DefinitionException {
        for (ManagedObject o : r.sublayers.values()) if (o.key().toString().equals(ref) || o.name().equals(ref)) return o.key();
        for (Sublayer sl : engine.sublayers()) {
            if (sl.key().toString().equals(ref) || sl.name().equals(ref)) {
                // Deleted in this transaction but still in the engine: not available.
                if (!r.sublayers.containsKey(sl.key()) && isManagedElsewhere(sl.key())) continue;
                return sl.key();
            }
        }
        throw new DefinitionException(pointer, "unknown sublayer '" + ref + "'");
    }

    private boolean isManagedElsewhere(UUID key) {
        return !config.sublayerKeys().contains(key) && !key.equals(Sublayer.UNIVERSAL.key()) && !key.equals(Sublayer.INSPECTION.key());
    }

    private UUID findCallout(ObjectRegistry r, String ref, String pointer) throws DefinitionException {
        for (ManagedObject o : r.callouts.values()) if (o.key().toString().equals(ref) || o.name().equals(ref)) return o.key();
        try {
            UUID k = UUID.fromString(ref);
            if (config.calloutKeys().contains(k) || engine.isCalloutRegistered(k)) return k;
        } catch (IllegalArgumentException notAKey) {
            // fall through
        }
        throw new DefinitionException(pointer, "unknown callout '" + ref + "'");
    }

    /** Keys of all callout objects: API-added, configured, and registered by the daemon. */
    Set<UUID> calloutKeys(ObjectRegistry r) {
        Set<UUID> out = new LinkedHashSet<>(r.callouts.keySet());
        out.addAll(config.calloutKeys());
        return out;
    }

    Operation delete(Session s, ObjectRegistry r, Session.Kind kind, String ref) throws MgmtException {
        ManagedObject o = find(r, kind, ref);
        return deleteOpChecked(r, kind, o);
    }

    private Operation deleteOpChecked(ObjectRegistry r, Session.Kind kind, ManagedObject o) throws MgmtException {
        if (kind != Session.Kind.FILTER && !r.referrers(o.key()).isEmpty()) {
            throw new MgmtException("FWP_E_IN_USE", kind.name().toLowerCase() + " " + o.name() + " is referenced by "
                    + r.referrers(o.key()).size() + " filter(s)");
        }
        return deleteOp(kind, o);
    }

    Operation deleteOp(Session.Kind kind, ManagedObject o) {
        Step step = kind == Session.Kind.FILTER ? tx -> { tx.deleteFilter(o.key()); return null; }
                : kind == Session.Kind.SUBLAYER ? tx -> { tx.deleteSublayer(o.key()); return null; }
                : tx -> null;
        return new SimpleOp(kind, false, o, step);
    }

    private ManagedObject find(ObjectRegistry r, Session.Kind kind, String ref) throws MgmtException {
        if (ref == null) throw new MgmtException("FWP_E_INVALID_PARAMETER", "missing 'ref' (key, name or id)");
        if (kind == Session.Kind.FILTER && ref.matches("[0-9]+")) {
            var f = engine.filter(Long.parseLong(ref));
            if (f.isPresent()) ref = f.get().key().toString();
        }
        for (ManagedObject o : r.of(kind).values()) if (o.key().toString().equals(ref) || o.name().equals(ref)) return o;
        String what = kind.name().toLowerCase();
        throw new MgmtException(kind == Session.Kind.FILTER ? "FWP_E_FILTER_NOT_FOUND" : "FWP_E_NOT_FOUND",
                "no " + what + " '" + ref + "' managed through the API (configuration and built-in objects are changed by editing the file)");
    }

    private static <T> T bind(JsonNode def, Class<T> type) throws MgmtException {
        try {
            return Json.MAPPER.treeToValue(def, type);
        } catch (JsonMappingException e) {
            StringBuilder p = new StringBuilder();
            for (JsonMappingException.Reference ref : e.getPath()) {
                p.append('/').append(ref.getIndex() >= 0 ? String.valueOf(ref.getIndex()) : ref.getFieldName());
            }
            throw new MgmtException("FWP_E_INVALID_PARAMETER", ConfigLocations.fieldPath(p.toString()) + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new MgmtException("FWP_E_INVALID_PARAMETER", e.getOriginalMessage());
        }
    }
}
