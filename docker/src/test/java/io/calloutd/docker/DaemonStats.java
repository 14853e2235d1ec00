package io.calloutd.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The daemon's stats file (contract: a JSON object with the longs {@code packetsIn}, {@code packetsOut},
 * {@code bytesIn}, {@code bytesOut} and a {@code drops} object of reason to count; other fields ignored).
 *
 * @param packetsIn  packets the daemon read from its TUN(s)
 * @param packetsOut packets the daemon wrote back / injected
 * @param bytesIn    bytes read
 * @param bytesOut   bytes written
 * @param drops      count per drop reason
 */
public record DaemonStats(long packetsIn, long packetsOut, long bytesIn, long bytesOut, Map<String, Long> drops) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses the stats JSON; a missing mandatory field is an error, not a zero. */
    public static DaemonStats parse(String json) throws IOException {
        JsonNode root = JSON.readTree(json);
        if (root == null || !root.isObject()) {
            throw new IOException("stats is not a JSON object: " + json);
        }
        Map<String, Long> drops = new LinkedHashMap<>();
        JsonNode d = required(root, "drops", json);
        for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            drops.put(e.getKey(), e.getValue().asLong());
        }
        return new DaemonStats(required(root, "packetsIn", json).asLong(), required(root, "packetsOut", json).asLong(),
                required(root, "bytesIn", json).asLong(), required(root, "bytesOut", json).asLong(), Map.copyOf(drops));
    }

    private static JsonNode required(JsonNode root, String field, String json) throws IOException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new IOException("stats lacks '" + field + "': " + json);
        }
        return n;
    }

    /** Sum over all drop reasons. */
    public long totalDrops() {
        return drops.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Sum over reasons whose name mentions "malformed" (any case). */
    public long malformedDrops() {
        return drops.entrySet().stream()
                .filter(e -> e.getKey().toLowerCase(java.util.Locale.ROOT).contains("malformed"))
                .mapToLong(Map.Entry::getValue).sum();
    }
}
