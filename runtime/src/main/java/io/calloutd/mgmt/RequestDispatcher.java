package io.calloutd.mgmt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calloutd.engine.Layer;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Maps one JSON request ({@code {"id":..,"op":"filter.add",...}}) to a {@link ManagementService} call and renders
 * the response ({@code {"id":..,"ok":true,"result":..}} or {@code {"id":..,"ok":false,"error":{"code","message"}}}).
 */
public final class RequestDispatcher {
    private final ManagementService svc;

    /** A dispatcher over {@code svc}. */
    public RequestDispatcher(ManagementService svc) {
        this.svc = svc;
    }

    /** Handles one request in session {@code s}; never throws. */
    public ObjectNode handle(Session s, JsonNode req) {
        JsonNode id = req.get("id");
        ObjectNode resp = Json.object();
        if (id != null) resp.set("id", id);
        try {
            JsonNode result = dispatch(s, req);
            resp.put("ok", true);
            if (result != null) resp.set("result", result);
        } catch (MgmtException e) {
            error(resp, e.code(), e.detail());
        } catch (RuntimeException e) {
            error(resp, "FWP_E_INVALID_PARAMETER", String.valueOf(e.getMessage()));
        }
        return resp;
    }

    /** An error response. */
    public static ObjectNode error(ObjectNode resp, String code, String message) {
        resp.put("ok", false);
        resp.putObject("error").put("code", code).put("message", message);
        return resp;
    }

    private JsonNode dispatch(Session s, JsonNode r) throws MgmtException {
        String op = text(r, "op");
        switch (op) {
            case "begin": svc.begin(s, r.path("readOnly").asBoolean(false)); return null;
            case "commit": {
                ObjectNode ids = Json.object();
                for (Map.Entry<UUID, Long> e : svc.commit(s).entrySet()) ids.put(e.getKey().toString(), e.getValue());
                return ids;
            }
            case "abort": svc.abort(s); return null;
            case "sublayer.add": return svc.addSublayer(s, def(r), persistent(r));
            case "callout.add": return svc.addCallout(s, def(r), persistent(r));
            case "filter.add": return svc.addFilter(s, def(r), persistent(r));
            case "sublayer.delete": return svc.delete(s, Session.Kind.SUBLAYER, text(r, "ref"));
            case "callout.delete": return svc.delete(s, Session.Kind.CALLOUT, text(r, "ref"));
            case "filter.delete": return svc.delete(s, Session.Kind.FILTER, text(r, "ref"));
            case "sublayer.list": return list(s, Session.Kind.SUBLAYER, null);
            case "callout.list": return list(s, Session.Kind.CALLOUT, null);
            case "filter.list": return list(s, Session.Kind.FILTER, layer(r));
            case "enum.create": return Json.object().put("handle", svc.createEnum(s, kind(text(r, "kind")), layer(r)));
            case "enum.next": return array(svc.enumPage(s, r.path("handle").asLong(), r.path("n").asInt(100)));
            case "enum.destroy": svc.destroyEnum(s, r.path("handle").asLong()); return null;
            case "subscribe": {
                Set<Session.Kind> kinds = EnumSet.noneOf(Session.Kind.class);
                for (JsonNode k : r.path("kinds")) kinds.add(kind(k.asText()));
                svc.subscribe(s, kinds);
                return null;
            }
            case "events.subscribe": svc.subscribeNetEvents(s, r.path("on").asBoolean(true)); return null;
            case "events.list": return array(svc.netEvents(s));
            case "option.set": svc.setOption(s, text(r, "name"), r.get("value")); return null;
            case "counters": return svc.counters(s);
            case "redirect.query": return svc.redirectQuery(s, r.path("protocol").asInt(6),
                    endpoint(r, "clientAddress", "clientPort"), endpoint(r, "proxyAddress", "proxyPort"));
            case "flows": return Json.MAPPER.valueToTree(svc.flows(s, r.path("limit").asInt(1000)));
            case "reload": return Json.object().put("message", svc.reload(s));
            case "trace": {
                int seconds = r.path("seconds").asInt(10);
                svc.trace(s, PacketTracer.Match.of(r.hasNonNull("protocol") ? r.get("protocol").asInt() : null,
                        r.hasNonNull("port") ? r.get("port").asInt() : null,
                        r.hasNonNull("address") ? r.get("address").asText() : null), seconds);
                return Json.object().put("seconds", seconds);
            }
            case "sessions": return array(svc.sessions(s));
            case "session": return Json.object().put("id", s.id()).put("uid", s.principal().uid())
                    .put("role", s.role().name()).put("dynamic", s.dynamic());
            default: throw new MgmtException("FWP_E_INVALID_PARAMETER", "unknown op '" + op + "'");
        }
    }

    private ArrayNode list(Session s, Session.Kind kind, Layer layer) throws MgmtException {
        long h = svc.createEnum(s, kind, layer);
        try {
            return array(svc.enumPage(s, h, Integer.MAX_VALUE));
        } finally {
            svc.destroyEnum(s, h);
        }
    }

    private static ArrayNode array(List<ObjectNode> items) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        items.forEach(a::add);
        return a;
    }

    /** An IP literal and port from the request (no name resolution). */
    private static java.net.InetSocketAddress endpoint(JsonNode r, String address, String port) throws MgmtException {
        String a = text(r, address);
        int p = r.path(port).asInt(-1);
        if (!a.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*") || p < 0 || p > 65535) {
            throw new MgmtException("FWP_E_INVALID_PARAMETER", "'" + address + "'/'" + port + "': need an IP literal and a port");
        }
        try {
            return new java.net.InetSocketAddress(java.net.InetAddress.getByName(a), p);
        } catch (java.net.UnknownHostException e) {
            throw new MgmtException("FWP_E_INVALID_PARAMETER", "'" + address + "': not an IP address: " + a);
        }
    }

    private static String text(JsonNode r, String field) throws MgmtException {
        JsonNode n = r.get(field);
        if (n == null || !n.isValueNode() || n.isNull()) throw new MgmtException("FWP_E_INVALID_PARAMETER", "missing '" + field + "'");
        return n.asText();
    }

    private static ObjectNode def(JsonNode r) throws MgmtException {
        JsonNode n = r.get("def");
        if (n == null || !n.isObject()) throw new MgmtException("FWP_E_INVALID_PARAMETER", "missing object 'def'");
        return (ObjectNode) n;
    }

    private static boolean persistent(JsonNode r) {
        return r.path("persistent").asBoolean(false);
    }

    private static Layer layer(JsonNode r) throws MgmtException {
        if (!r.hasNonNull("layer")) return null;
        try {
            return Layer.valueOf(r.get("layer").asText());
        } catch (IllegalArgumentException e) {
            throw new MgmtException("FWP_E_INVALID_PARAMETER", "unknown layer '" + r.get("layer").asText() + "'");
        }
    }

    private static Session.Kind kind(String k) throws MgmtException {
        try {
            return Session.Kind.valueOf(k.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new MgmtException("FWP_E_INVALID_PARAMETER", "unknown object kind '" + k + "' (sublayer, callout, filter)");
        }
    }
}
