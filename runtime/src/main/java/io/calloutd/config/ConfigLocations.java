package io.calloutd.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Maps JSON pointers of a parsed document to source locations, so that errors found after data binding (bad CIDR,
 * unknown callout, duplicate id) can still name a line. Built by one streaming pass over the document.
 */
public final class ConfigLocations {
    private final Map<String, JsonLocation> byPointer;

    private ConfigLocations(Map<String, JsonLocation> byPointer) {
        this.byPointer = byPointer;
    }

    /** An empty map: every lookup is unknown (used for API requests, which are one line). */
    public static ConfigLocations none() {
        return new ConfigLocations(Map.of());
    }

    /** Scans {@code doc}; syntax errors surface as {@link JsonProcessingException} carrying their location. */
    public static ConfigLocations scan(JsonFactory factory, byte[] doc) throws IOException {
        Map<String, JsonLocation> map = new HashMap<>();
        try (JsonParser p = factory.createParser(doc)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) continue;
                // For a field name the pointer ends with that name; a value in an array ends with its index. The
                // first token seen for a pointer (the key, or the element start) is the most useful line.
                map.putIfAbsent(p.getParsingContext().pathAsPointer().toString(), p.currentTokenLocation());
            }
        }
        return new ConfigLocations(map);
    }

    /** Location of {@code pointer} or of its nearest known ancestor; null if none. */
    public JsonLocation locate(String pointer) {
        String p = pointer;
        while (true) {
            JsonLocation l = byPointer.get(p);
            if (l != null || p.isEmpty()) return l;
            int slash = p.lastIndexOf('/');
            p = slash <= 0 ? "" : p.substring(0, slash);
        }
    }

    /** Location of exactly {@code pointer}; null if it was not seen. */
    public JsonLocation locateExactly(String pointer) {
        return byPointer.get(pointer);
    }

    /** Converts a JSON pointer to a dotted path: {@code /filters/1/value} → {@code filters[1].value}. */
    public static String fieldPath(String pointer) {
        StringBuilder sb = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) continue;
            if (part.chars().allMatch(Character::isDigit)) {
                sb.append('[').append(part).append(']');
            } else {
                if (sb.length() > 0) sb.append('.');
                sb.append(part.replace("~1", "/").replace("~0", "~"));
            }
        }
        return sb.toString();
    }

    /** A {@link ConfigException} for a definition error found in {@code source}. */
    public ConfigException error(String source, DefinitionException e) {
        JsonLocation l = locate(e.pointer());
        return new ConfigException(source, l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(),
                fieldPath(e.pointer()), e.reason());
    }
}
