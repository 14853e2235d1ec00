package io.calloutd.engine;

import java.util.List;
import java.util.UUID;

/**
 * A filter as installed in the engine (the {@code FWPS_FILTER} analogue handed to callouts). Immutable.
 * {@link #id()} is assigned by the engine (1, 2, 3… in add order, never reused) and is the deterministic
 * tiebreak between equal effective weights.
 */
public final class Filter {
    private final long id;
    private final UUID key;
    private final String name;
    private final Layer layer;
    private final Sublayer sublayer;
    private final FilterWeight requestedWeight;
    private final long weight;
    private final List<Condition> conditions;
    private final FilterAction action;
    private final UUID calloutKey;
    private final int flags;
    private final long rawContext;

    Filter(long id, FilterSpec s, Sublayer sublayer, long effectiveWeight) {
        this.id = id;
        this.key = s.key;
        this.name = s.name;
        this.layer = s.layer;
        this.sublayer = sublayer;
        this.requestedWeight = s.weight;
        this.weight = effectiveWeight;
        this.conditions = s.conditions;
        this.action = s.action;
        this.calloutKey = s.calloutKey;
        this.flags = s.flags;
        this.rawContext = s.rawContext;
    }

    /** Run-time id (LUID), &ge; 1. */
    public long id() { return id; }
    /** Management key. */
    public UUID key() { return key; }
    /** Display name. */
    public String name() { return name; }
    /** The layer. */
    public Layer layer() { return layer; }
    /** The sublayer. */
    public Sublayer sublayer() { return sublayer; }
    /** {@code subLayerWeight} of FWPS_FILTER. */
    public int sublayerWeight() { return sublayer.weight(); }
    /** The weight as requested. */
    public FilterWeight requestedWeight() { return requestedWeight; }
    /** Effective UINT64 weight (compare with {@link Long#compareUnsigned}); see {@link AutoWeight}. */
    public long weight() { return weight; }
    /** Conditions, in the order given. */
    public List<Condition> conditions() { return conditions; }
    /** Action type. */
    public FilterAction action() { return action; }
    /** Callout key for callout actions, else null. */
    public UUID calloutKey() { return calloutKey; }
    /** {@link FilterFlags} bits. */
    public int flags() { return flags; }
    /** True if {@link FilterFlags#CLEAR_ACTION_RIGHT} is set. */
    public boolean clearsActionRight() { return (flags & FilterFlags.CLEAR_ACTION_RIGHT) != 0; }
    /** Opaque context for the callout. */
    public long rawContext() { return rawContext; }

    @Override public String toString() {
        return "Filter#" + id + "(" + name + ", " + layer + ", " + sublayer.name() + ", w=" + Long.toUnsignedString(weight)
                + ", " + action + (calloutKey != null ? " " + calloutKey : "") + ", " + conditions + ")";
    }
}
