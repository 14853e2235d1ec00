package io.calloutd.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The daemon's stats file. Contract: a JSON object with the longs {@code packetsIn}, {@code packetsOut},
 * {@code bytesIn}, {@code bytesOut} and {@code drops} (malformed-drop reason → count). The daemon's
 * optional extra fields {@code ready}, {@code dropsMalformed}, {@code dropsByVerdict} and
 * {@code dropsInjectionFailed} are read when present; anything else is ignored.
 *
 * @param ready                true when routing is installed (absent field: true)
 * @param packetsIn            packets the daemon read from its TUN(s)
 * @param packetsOut           packets the daemon reinjected
 * @param bytesIn              bytes read
 * @param bytesOut             bytes reinjected
 * @param drops                malformed drops per reason
 * @param dropsMalformed       all malformed drops (absent field: the sum of {@code drops})
 * @param dropsByVerdict       policy drops (absent field: 0)
 * @param dropsInjectionFailed packets the kernel refused on reinjection (absent field: 0)
 */
public record DaemonStats(boolean ready, long packetsIn, long packetsOut, long bytesIn, long bytesOut,
                          Map<String, Long> drops, long dropsMalformed, long dropsByVerdict, long dropsInjectionFailed) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses the stats JSON; a missing mandatory field is an error, not a zero. */
    public static DaemonStats parse(String json) throws IOException {
        JsonNode root = JSON.readTree(json);
        if (root == null || !root.isObject()) {
            throw new IOException("stats is not a JSON object: " + json);
        }
        Map<String, Long> drops = new LinkedHashMap<>();
        long dropSum = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = required(root, "drops", json).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            drops.put(e.getKey(), e.getValue().asLong());
            dropSum += e.getValue().asLong();
        }
        return new DaemonStats(root.path("ready").asBoolean(true),
                required(root, "packetsIn", json).asLong(), required(root, "packetsOut", json).asLong(),
                required(root, "bytesIn", json).asLong(), required(root, "bytesOut", json).asLong(), Map.copyOf(drops),
                root.path("dropsMalformed").asLong(dropSum), root.path("dropsByVerdict").asLong(0),
                root.path("dropsInjectionFailed").asLong(0));
    }

    private static JsonNode required(JsonNode root, String field, String json) throws IOException {
        JsonNode n = root.get(field);
        if (n == null || !n.isValueNode() && !n.isObject()) {
            throw new IOException("stats lacks '" + field + "': " + json);
        }
        return n;
    }

    /** Every packet the daemon did not pass on, whatever the reason. */
    public long totalDrops() {
        return dropsMalformed + dropsByVerdict + dropsInjectionFailed;
    }
}
