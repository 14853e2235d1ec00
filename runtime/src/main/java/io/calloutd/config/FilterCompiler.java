package io.calloutd.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.calloutd.engine.Condition;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterFlags;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.FilterValidationException;
import io.calloutd.engine.FilterWeight;
import io.calloutd.engine.Layer;
import io.calloutd.engine.MatchType;
import io.calloutd.engine.Value;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Compiles a {@link FilterDef} into an engine {@link FilterSpec}, checking everything the engine would. */
public final class FilterCompiler {
    private static final Pattern CONDITION_INDEX = Pattern.compile("condition #(\\d+)");

    /** Resolves references written in a definition to keys. */
    public interface Resolver {
        /** Key of sublayer {@code ref}; throws if unknown. */
        UUID sublayer(String ref, String pointer) throws DefinitionException;
        /** Key of callout {@code ref}; throws if unknown. */
        UUID callout(String ref, String pointer) throws DefinitionException;
    }

    private FilterCompiler() { }

    /**
     * @param d          the definition
     * @param pointer    JSON pointer of the definition (for error positions)
     * @param resolver   resolves sublayer and callout references
     * @param defaultKey key used when the definition gives none
     */
    public static FilterSpec compile(FilterDef d, String pointer, Resolver resolver, UUID defaultKey) throws DefinitionException {
        // Engine rules first, on a scratch engine with references stubbed, so nothing is applied yet.
        checkWithEngine(build(d, pointer, PROBE, defaultKey), pointer);
        return build(d, pointer, resolver, defaultKey);
    }

    private static final UUID PROBE_CALLOUT = new UUID(0, 1);
    private static final Resolver PROBE = new Resolver() {
        @Override public UUID sublayer(String ref, String pointer) { return io.calloutd.engine.Sublayer.UNIVERSAL.key(); }
        @Override public UUID callout(String ref, String pointer) { return PROBE_CALLOUT; }
    };

    private static FilterSpec build(FilterDef d, String pointer, Resolver resolver, UUID defaultKey) throws DefinitionException {
        if (d.layer() == null) throw new DefinitionException(pointer + "/layer", "missing field 'layer'");
        if (d.action() == null) throw new DefinitionException(pointer + "/action", "missing field 'action'");
        Layer layer = d.layer();
        FilterSpec.Builder b = FilterSpec.builder(layer).key(d.key() != null ? d.key() : defaultKey);
        String name = d.name() != null ? d.name() : d.id();
        if (name != null) b.name(name);
        if (d.sublayer() != null) b.sublayer(resolver.sublayer(d.sublayer(), pointer + "/sublayer"));
        if (d.action().isCallout()) {
            if (d.callout() == null) throw new DefinitionException(pointer + "/callout", "action " + d.action() + " needs a 'callout'");
            b.callout(d.action(), resolver.callout(d.callout(), pointer + "/callout"));
        } else {
            if (d.callout() != null) throw new DefinitionException(pointer + "/callout", "action " + d.action() + " cannot name a callout");
            b.action(d.action());
        }
        if (d.weight() != null && d.weightRange() != null) {
            throw new DefinitionException(pointer + "/weightRange", "give 'weight' or 'weightRange', not both");
        }
        if (d.weight() != null) b.weight(FilterWeight.explicit(d.weight()));
        if (d.weightRange() != null) {
            if (d.weightRange() < 0 || d.weightRange() > 15) throw new DefinitionException(pointer + "/weightRange", "must be 0..15, got " + d.weightRange());
            b.weight(FilterWeight.range(d.weightRange()));
        }
        b.flags(flags(d.flags(), pointer + "/flags"));
        List<ConditionDef> cs = d.conditions();
        for (int i = 0; i < cs.size(); i++) b.condition(condition(cs.get(i), layer, pointer + "/conditions/" + i));
        return b.build();
    }

    private static int flags(List<String> names, String pointer) throws DefinitionException {
        int f = 0;
        for (int i = 0; i < names.size(); i++) {
            switch (names.get(i)) {
                case "CLEAR_ACTION_RIGHT": f |= FilterFlags.CLEAR_ACTION_RIGHT; break;
                case "PERMIT_IF_CALLOUT_UNREGISTERED": f |= FilterFlags.PERMIT_IF_CALLOUT_UNREGISTERED; break;
                default: throw new DefinitionException(pointer + "/" + i,
                        "unknown flag '" + names.get(i) + "' (CLEAR_ACTION_RIGHT, PERMIT_IF_CALLOUT_UNREGISTERED)");
            }
        }
        return f;
    }

    private static Condition condition(ConditionDef c, Layer layer, String pointer) throws DefinitionException {
        if (c.field() == null) throw new DefinitionException(pointer + "/field", "missing field 'field'");
        if (!layer.hasField(c.field())) {
            throw new DefinitionException(pointer + "/field", "field " + c.field() + " is not available at layer " + layer);
        }
        List<JsonNode> range = c.range();
        MatchType m = c.match() != null ? c.match() : range != null ? MatchType.RANGE : MatchType.EQUAL;
        if (m == MatchType.RANGE) {
            Value lo;
            Value hi;
            if (range != null) {
                if (c.value() != null) throw new DefinitionException(pointer + "/range", "give 'value' or 'range', not both");
                if (range.size() != 2) throw new DefinitionException(pointer + "/range", "a range is [low, high], got " + range.size() + " element(s)");
                lo = ValueParser.parse(c.field(), layer, range.get(0), pointer + "/range/0");
                hi = ValueParser.parse(c.field(), layer, range.get(1), pointer + "/range/1");
            } else {
                String text = c.value() == null ? "" : c.value().asText();
                int dash = text.indexOf('-');
                if (dash <= 0) throw new DefinitionException(pointer + "/value", "RANGE needs 'range: [low, high]' or \"low-high\", got '" + text + "'");
                var f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
                lo = ValueParser.parse(c.field(), layer, f.textNode(text.substring(0, dash)), pointer + "/value");
                hi = ValueParser.parse(c.field(), layer, f.textNode(text.substring(dash + 1)), pointer + "/value");
            }
            return Condition.range(c.field(), lo, hi);
        }
        if (range != null) throw new DefinitionException(pointer + "/range", "'range' needs match RANGE, not " + m);
        return Condition.of(c.field(), m, ValueParser.parse(c.field(), layer, c.value(), pointer + "/value"));
    }

    private static void checkWithEngine(FilterSpec probe, String pointer) throws DefinitionException {
        try {
            new FilterEngine().update(tx -> tx.addFilter(probe));
        } catch (FilterValidationException e) {
            Matcher m = CONDITION_INDEX.matcher(e.getMessage());
            String at = m.find() ? pointer + "/conditions/" + m.group(1) : pointer;
            throw new DefinitionException(at, e.getMessage());
        }
    }
}
