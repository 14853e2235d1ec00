package io.calloutd.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.Sublayer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads and completely validates a configuration file (YAML, or JSON by its {@code .json} extension) without
 * touching any engine. Every error is a {@link ConfigException} naming the file, line and field.
 */
public final class ConfigLoader {
    private final CalloutCatalog catalog;

    /** A loader instantiating callouts from {@code catalog}. */
    public ConfigLoader(CalloutCatalog catalog) {
        this.catalog = catalog;
    }

    /** Loads {@code file}. */
    public CompiledPolicy load(Path file) throws ConfigException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, 0, "", "cannot read: " + e);
        }
        return parse(file.toString(), bytes, !file.toString().endsWith(".json"));
    }

    /** Parses a document; {@code yaml} false means JSON. */
    public CompiledPolicy parse(String source, byte[] doc, boolean yaml) throws ConfigException {
        Bound b = bind(source, doc, yaml);
        try {
            return compile(source, b.file());
        } catch (DefinitionException e) {
            throw b.locations().error(source, e);
        }
    }

    /**
     * Reads only the settings of {@code file} (syntax and field types checked, definitions not compiled, no callout
     * created): what the daemon needs before its engine exists, e.g. the net event settings.
     */
    public static PolicyFile settings(Path file) throws ConfigException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, 0, "", "cannot read: " + e);
        }
        return bind(file.toString(), bytes, !file.toString().endsWith(".json")).file();
    }

    private record Bound(PolicyFile file, ConfigLocations locations) { }

    private static Bound bind(String source, byte[] doc, boolean yaml) throws ConfigException {
        JsonFactory factory = yaml ? new YAMLFactory() : new JsonFactory();
        ObjectMapper mapper = new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        ConfigLocations locations;
        PolicyFile pf;
        try {
            locations = ConfigLocations.scan(factory, doc);
        } catch (JsonProcessingException e) {
            throw bindingError(source, e, null);
        } catch (IOException e) {
            throw new ConfigException(source, 0, 0, "", e.getMessage());
        }
        try {
            pf = mapper.readValue(doc, PolicyFile.class);
        } catch (JsonProcessingException e) {
            throw bindingError(source, e, locations);
        } catch (IOException e) {
            throw new ConfigException(source, 0, 0, "", e.getMessage());
        }
        if (pf == null) pf = new PolicyFile(null, null, null, null, null, null, null, null, null);
        return new Bound(pf, locations);
    }

    private static ConfigException bindingError(String source, JsonProcessingException e, ConfigLocations locations) {
        JsonLocation l = e.getLocation();
        // Records are bound through a creator, which buffers properties: the parser's location is then the end
        // of the object. The scanned location of the offending field itself is more useful.
        if (locations != null && e instanceof JsonMappingException) {
            JsonLocation exact = locations.locateExactly(pointer((JsonMappingException) e));
            if (exact != null) l = exact;
        }
        int line = l == null ? 0 : l.getLineNr();
        int col = l == null ? 0 : l.getColumnNr();
        String field = "";
        if (e instanceof JsonMappingException) field = path((JsonMappingException) e);
        String reason;
        if (e instanceof UnrecognizedPropertyException) {
            UnrecognizedPropertyException u = (UnrecognizedPropertyException) e;
            reason = "unknown field '" + u.getPropertyName() + "' (known: " + u.getKnownPropertyIds() + ")";
        } else if (e instanceof InvalidFormatException) {
            InvalidFormatException f = (InvalidFormatException) e;
            reason = "wrong type: '" + f.getValue() + "' is not a valid " + typeName(f.getTargetType()) + enumHint(f.getTargetType());
        } else if (e instanceof MismatchedInputException) {
            MismatchedInputException m = (MismatchedInputException) e;
            reason = "wrong type: expected " + typeName(m.getTargetType());
        } else {
            reason = "syntax error: " + e.getOriginalMessage().replaceAll("\\s*\\n\\s*", " ");
        }
        return new ConfigException(source, line, col, field, reason);
    }

    private static String typeName(Class<?> c) {
        if (c == null) return "value";
        if (c == Integer.class || c == int.class || c == Long.class || c == long.class) return "integer";
        if (c == Boolean.class || c == boolean.class) return "boolean";
        if (c == String.class) return "string";
        if (List.class.isAssignableFrom(c)) return "list";
        if (c.isRecord() || Map.class.isAssignableFrom(c)) return "mapping";
        return c.getSimpleName();
    }

    private static String enumHint(Class<?> c) {
        if (c == null || !c.isEnum()) return "";
        List<String> names = new ArrayList<>();
        for (Object o : c.getEnumConstants()) names.add(((Enum<?>) o).name());
        return " (one of " + String.join(", ", names) + ")";
    }

    private static String pointer(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getIndex() >= 0) sb.append('/').append(r.getIndex());
            else if (r.getFieldName() != null) sb.append('/').append(r.getFieldName().replace("~", "~0").replace("/", "~1"));
        }
        return sb.toString();
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            } else if (r.getFieldName() != null) {
                if (sb.length() > 0) sb.append('.');
                sb.append(r.getFieldName());
            }
        }
        return sb.toString();
    }

    private CompiledPolicy compile(String source, PolicyFile pf) throws DefinitionException {
        List<CompiledPolicy.CalloutInstance> created = new ArrayList<>();
        try {
            return compile(source, pf, created);
        } catch (DefinitionException | RuntimeException e) {
            created.forEach(CompiledPolicy.CalloutInstance::close); // a rejected file leaves nothing running
            throw e;
        }
    }

    private CompiledPolicy compile(String source, PolicyFile pf, List<CompiledPolicy.CalloutInstance> callouts)
            throws DefinitionException {
        Map<String, UUID> sublayerIds = new HashMap<>();
        List<Sublayer> sublayers = new ArrayList<>();
        for (int i = 0; i < pf.sublayers().size(); i++) {
            SublayerDef d = pf.sublayers().get(i);
            String at = "/sublayers/" + i;
            String id = requireId(d.id(), at, sublayerIds.containsKey(d.id()), "sublayer");
            int w = d.weight() == null ? 0x1000 : d.weight();
            if (w < 0 || w > 0xFFFF) throw new DefinitionException(at + "/weight", "must be 0..65535, got " + w);
            UUID key = d.key() != null ? d.key() : derivedKey("sublayer", id);
            sublayerIds.put(id, key);
            sublayers.add(new Sublayer(key, d.name() != null ? d.name() : id, w));
        }
        Map<String, UUID> calloutIds = new HashMap<>();
        for (int i = 0; i < pf.callouts().size(); i++) {
            CalloutDef d = pf.callouts().get(i);
            String at = "/callouts/" + i;
            String id = requireId(d.id(), at, calloutIds.containsKey(d.id()), "callout");
            if (d.type() == null) throw new DefinitionException(at + "/type", "missing field 'type'");
            Optional<CalloutCatalog.CalloutType> type = catalog.type(d.type());
            if (type.isEmpty()) {
                throw new DefinitionException(at + "/type", "unknown callout type '" + d.type() + "'"
                        + (catalog.names().isEmpty() ? "" : " (known: " + String.join(", ", catalog.names()) + ")"));
            }
            io.calloutd.callout.CalloutInstance instance;
            try {
                instance = type.get().create(d.params() == null ? Map.of() : d.params());
            } catch (IllegalArgumentException e) {
                String msg = String.valueOf(e.getMessage());
                int colon = msg.indexOf(':');
                // CalloutParams messages start with the parameter name: point at it.
                String field = colon > 0 && msg.substring(0, colon).matches("[A-Za-z0-9_.-]+") ? "/" + msg.substring(0, colon) : "";
                throw new DefinitionException(at + "/params" + field, msg);
            }
            UUID key = d.key() != null ? d.key() : derivedKey("callout", id);
            calloutIds.put(id, key);
            callouts.add(new CompiledPolicy.CalloutInstance(id, key, d.type(), instance,
                    d.params() == null ? Map.of() : d.params()));
        }
        FilterCompiler.Resolver resolver = new FilterCompiler.Resolver() {
            @Override public UUID sublayer(String ref, String pointer) throws DefinitionException {
                UUID k = sublayerIds.get(ref);
                if (k != null) return k;
                if (ref.equals("universal")) return Sublayer.UNIVERSAL.key();
                if (ref.equals("inspection")) return Sublayer.INSPECTION.key();
                throw new DefinitionException(pointer, "unknown sublayer '" + ref + "' (defined: " + sublayerIds.keySet() + ")");
            }
            @Override public UUID callout(String ref, String pointer) throws DefinitionException {
                UUID k = calloutIds.get(ref);
                if (k == null) throw new DefinitionException(pointer, "unknown callout '" + ref + "' (defined: " + calloutIds.keySet() + ")");
                return k;
            }
        };
        Map<String, Boolean> filterIds = new HashMap<>();
        List<FilterSpec> filters = new ArrayList<>();
        for (int i = 0; i < pf.filters().size(); i++) {
            FilterDef d = pf.filters().get(i);
            String at = "/filters/" + i;
            String id = requireId(d.id(), at, filterIds.containsKey(d.id()), "filter");
            filterIds.put(id, true);
            filters.add(FilterCompiler.compile(d, at, resolver, derivedKey("filter", id)));
        }
        validateSettings(pf);
        return new CompiledPolicy(source, pf, sublayers, callouts, filters);
    }

    private static void validateSettings(PolicyFile pf) throws DefinitionException {
        if (pf.mode() != null && !pf.mode().equals("gateway")) {
            throw new DefinitionException("/mode", "unknown mode '" + pf.mode() + "' (gateway)");
        }
        if (pf.metrics() != null && pf.metrics().port() != null && (pf.metrics().port() < 0 || pf.metrics().port() > 65535)) {
            throw new DefinitionException("/metrics/port", "must be 0..65535");
        }
        if (pf.limits() != null) {
            positive(pf.limits().flowTable(), "/limits/flowTable");
            positive(pf.limits().reassemblyDatagrams(), "/limits/reassemblyDatagrams");
            positive(pf.limits().reassemblyTimeoutMs(), "/limits/reassemblyTimeoutMs");
        }
        if (pf.api() != null && pf.api().socketMode() != null && !pf.api().socketMode().matches("0?[0-7]{3}")) {
            throw new DefinitionException("/api/socketMode", "must be an octal mode like 0660");
        }
    }

    private static void positive(Integer v, String at) throws DefinitionException {
        if (v != null && v <= 0) throw new DefinitionException(at, "must be > 0, got " + v);
    }

    private static String requireId(String id, String at, boolean duplicate, String what) throws DefinitionException {
        if (id == null || id.isBlank()) throw new DefinitionException(at + "/id", "missing field 'id'");
        if (duplicate) throw new DefinitionException(at + "/id", "duplicate " + what + " id '" + id + "'");
        return id;
    }

    /** The key a config object gets when none is written: stable across reloads so the diff is by identity. */
    public static UUID derivedKey(String kind, String id) {
        return UUID.nameUUIDFromBytes(("calloutd-config:" + kind + ":" + id).getBytes(StandardCharsets.UTF_8));
    }
}
