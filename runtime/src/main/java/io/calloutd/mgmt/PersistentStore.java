package io.calloutd.mgmt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Persistent objects on disk ({@code <stateDir>/persistent.json}): written atomically (temp file + rename) after
 * every commit that touched one, read once at start.
 */
final class PersistentStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    PersistentStore(Path stateDir) {
        this.file = stateDir == null ? null : stateDir.resolve("persistent.json");
    }

    /** The stored document with arrays "sublayers", "callouts", "filters" (empty if none or no state dir). */
    ObjectNode load() throws IOException {
        if (file == null || !Files.exists(file)) return empty();
        ObjectNode n = (ObjectNode) JSON.readTree(file.toFile());
        for (String k : new String[] {"sublayers", "callouts", "filters"}) if (!n.has(k)) n.putArray(k);
        return n;
    }

    void save(ObjectRegistry r) throws IOException {
        if (file == null) return;
        ObjectNode doc = empty();
        add((ArrayNode) doc.get("sublayers"), r, Session.Kind.SUBLAYER);
        add((ArrayNode) doc.get("callouts"), r, Session.Kind.CALLOUT);
        add((ArrayNode) doc.get("filters"), r, Session.Kind.FILTER);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("persistent.json.tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), doc);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void add(ArrayNode out, ObjectRegistry r, Session.Kind k) {
        for (ManagedObject o : r.withLifetime(k, Lifetime.PERSISTENT)) {
            ObjectNode n = o.definition().deepCopy();
            n.put("owner", o.ownerUid());
            out.add(n);
        }
    }

    private static ObjectNode empty() {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("sublayers");
        n.putArray("callouts");
        n.putArray("filters");
        return n;
    }
}
