package io.calloutd.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What a caller asks to add (the {@code FWPM_FILTER0} analogue). Build with {@link #builder(Layer)}; the engine
 * validates it and returns the run-time {@link Filter} with its id and effective weight.
 */
public final class FilterSpec {
    final UUID key;
    final String name;
    final Layer layer;
    final UUID sublayerKey;
    final FilterWeight weight;
    final List<Condition> conditions;
    final FilterAction action;
    final UUID calloutKey;
    final int flags;
    final long rawContext;

    private FilterSpec(Builder b) {
        this.key = b.key != null ? b.key : UUID.randomUUID();
        this.name = b.name != null ? b.name : this.key.toString();
        this.layer = b.layer;
        this.sublayerKey = b.sublayerKey != null ? b.sublayerKey : Sublayer.UNIVERSAL.key();
        this.weight = b.weight;
        this.conditions = Collections.unmodifiableList(new ArrayList<>(b.conditions));
        this.action = b.action;
        this.calloutKey = b.calloutKey;
        this.flags = b.flags;
        this.rawContext = b.rawContext;
    }

    /** A builder for a filter at {@code layer}; defaults: random key, UNIVERSAL sublayer, auto weight, no conditions, PERMIT. */
    public static Builder builder(Layer layer) {
        return new Builder(Objects.requireNonNull(layer, "layer"));
    }

    /** Builder for {@link FilterSpec}. */
    public static final class Builder {
        private final Layer layer;
        private UUID key;
        private String name;
        private UUID sublayerKey;
        private FilterWeight weight = FilterWeight.auto();
        private final List<Condition> conditions = new ArrayList<>();
        private FilterAction action = FilterAction.PERMIT;
        private UUID calloutKey;
        private int flags;
        private long rawContext;

        private Builder(Layer layer) {
            this.layer = layer;
        }

        /** Management key (default random). */
        public Builder key(UUID key) { this.key = key; return this; }
        /** Display name. */
        public Builder name(String name) { this.name = name; return this; }
        /** Sublayer key (default {@link Sublayer#UNIVERSAL}). */
        public Builder sublayer(UUID sublayerKey) { this.sublayerKey = sublayerKey; return this; }
        /** Sublayer (by key). */
        public Builder sublayer(Sublayer s) { this.sublayerKey = s.key(); return this; }
        /** Weight (default {@link FilterWeight#auto()}). */
        public Builder weight(FilterWeight w) { this.weight = Objects.requireNonNull(w); return this; }
        /** Explicit UINT64 weight. */
        public Builder weight(long w) { return weight(FilterWeight.explicit(w)); }
        /** Appends a condition (order matters: consecutive same-field conditions are ORed). */
        public Builder condition(Condition c) { this.conditions.add(Objects.requireNonNull(c)); return this; }
        /** Static action. */
        public Builder action(FilterAction a) { this.action = Objects.requireNonNull(a); return this; }
        /** Callout action naming the callout by key. */
        public Builder callout(FilterAction a, UUID calloutKey) { this.action = Objects.requireNonNull(a); this.calloutKey = calloutKey; return this; }
        /** {@link FilterFlags} bits. */
        public Builder flags(int flags) { this.flags = flags; return this; }
        /** Opaque context handed to the callout through {@link Filter#rawContext()}. */
        public Builder rawContext(long ctx) { this.rawContext = ctx; return this; }
        /** The spec. */
        public FilterSpec build() { return new FilterSpec(this); }
    }
}
