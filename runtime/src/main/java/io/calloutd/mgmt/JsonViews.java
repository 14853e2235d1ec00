package io.calloutd.mgmt;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calloutd.engine.Condition;
import io.calloutd.engine.EngineCounters;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.Layer;
import io.calloutd.engine.NetEvent;
import io.calloutd.engine.Sublayer;
import java.util.UUID;

/** JSON renderings of engine objects, counters and events for the API and the event log. */
public final class JsonViews {
    private JsonViews() { }

    static ObjectNode filter(Filter f, ManagedObject meta, FilterEngine engine) {
        ObjectNode n = Json.object().put("id", f.id()).put("key", f.key().toString()).put("name", f.name())
                .put("layer", f.layer().name()).put("sublayer", f.sublayer().name())
                .put("sublayerKey", f.sublayer().key().toString())
                .put("weight", Long.toUnsignedString(f.weight())).put("action", f.action().name());
        if (f.calloutKey() != null) n.put("callout", f.calloutKey().toString());
        n.put("flags", f.flags());
        ArrayNode cs = n.putArray("conditions");
        for (Condition c : f.conditions()) cs.add(c.toString());
        n.put("lifetime", meta == null ? "STATIC" : meta.lifetime().name());
        n.put("origin", meta == null ? "config" : "api");
        if (meta != null && meta.lifetime() == Lifetime.DYNAMIC) n.put("session", meta.sessionId());
        n.put("matches", engine.filterMatches(f.id())).put("blocks", engine.filterBlocks(f.id()));
        return n;
    }

    static ObjectNode sublayer(Sublayer s, ManagedObject meta, ObjectDefinitions defs) {
        boolean builtin = s.key().equals(Sublayer.UNIVERSAL.key()) || s.key().equals(Sublayer.INSPECTION.key());
        return Json.object().put("key", s.key().toString()).put("name", s.name()).put("weight", s.weight())
                .put("lifetime", builtin ? "BUILTIN" : meta == null ? "STATIC" : meta.lifetime().name())
                .put("origin", builtin ? "builtin" : meta == null ? "config" : "api");
    }

    static ObjectNode callout(UUID key, ManagedObject meta, FilterEngine engine) {
        ObjectNode n = Json.object().put("key", key.toString()).put("name", meta == null ? key.toString() : meta.name())
                .put("lifetime", meta == null ? "STATIC" : meta.lifetime().name())
                .put("origin", meta == null ? "config" : "api")
                .put("registered", engine.isCalloutRegistered(key));
        return n;
    }

    /** One net event as a JSON object (also the format of the JSON-lines log). */
    public static ObjectNode netEvent(NetEvent e) {
        ObjectNode n = Json.object().put("event", "netEvent").put("time", e.timeMillis()).put("type", e.type().name())
                .put("layer", e.layer().name()).put("filterId", e.filterId()).put("reason", e.reason().name());
        if (e.verdict() != null) n.put("verdict", e.verdict().name());
        if (e.overriddenFilterId() != 0) n.put("overriddenFilterId", e.overriddenFilterId());
        n.put("packet", e.packet());
        return n;
    }

    /** Non-zero layer counters and per-filter matches/blocks. */
    public static ObjectNode counters(FilterEngine engine, NetEventHub events) {
        ObjectNode n = Json.object();
        ObjectNode layers = n.putObject("layers");
        for (Layer l : Layer.values()) {
            ObjectNode ln = null;
            for (EngineCounters.Kind k : EngineCounters.Kind.values()) {
                long v = engine.counters().get(l, k);
                if (v == 0) continue;
                if (ln == null) ln = layers.putObject(l.name());
                ln.put(k.name().toLowerCase(), v);
            }
        }
        ArrayNode filters = n.putArray("filters");
        for (Layer l : Layer.values()) {
            for (Filter f : engine.filters(l)) {
                filters.addObject().put("id", f.id()).put("name", f.name()).put("layer", l.name())
                        .put("matches", engine.filterMatches(f.id())).put("blocks", engine.filterBlocks(f.id()));
            }
        }
        if (events != null) {
            n.putObject("netEvents").put("total", events.total()).put("lost", events.lost()).put("collecting", events.collecting());
        }
        return n;
    }
}
