package io.calloutd.callout;

import io.calloutd.engine.Callout;
import java.util.Objects;
import java.util.UUID;

/**
 * What a driver hands to {@link CalloutRegistry#register} (the {@code FWPS_CALLOUT} analogue, §2.1): key, flags,
 * classify, notify and flowDelete functions. Immutable; build with {@link #builder(UUID)}.
 */
public final class CalloutRegistration {
    private final UUID key;
    private final String name;
    private final int flags;
    private final Callout classify;
    private final NotifyFunction notify;
    private final FlowDeleteFunction flowDelete;

    private CalloutRegistration(Builder b) {
        this.key = Objects.requireNonNull(b.key, "key");
        this.name = b.name == null ? key.toString() : b.name;
        this.flags = b.flags;
        this.classify = Objects.requireNonNull(b.classify, "classify");
        this.notify = b.notify == null ? NotifyFunction.ACCEPT_ALL : b.notify;
        this.flowDelete = b.flowDelete;
        if ((flags & ~CalloutFlags.ALL) != 0) throw new IllegalArgumentException("unknown callout flags 0x" + Integer.toHexString(flags));
    }

    /** Starts a registration for {@code key}. */
    public static Builder builder(UUID key) { return new Builder(key); }

    /** The callout key. */
    public UUID key() { return key; }
    /** Display name (defaults to the key). */
    public String name() { return name; }
    /** {@link CalloutFlags} bits. */
    public int flags() { return flags; }
    /** True if {@code flag} is set. */
    public boolean has(int flag) { return (flags & flag) != 0; }
    /** The classify function. */
    public Callout classify() { return classify; }
    /** The notify function ({@link NotifyFunction#ACCEPT_ALL} if none was given). */
    public NotifyFunction notifyFunction() { return notify; }
    /** The flowDelete function, or null if the callout never associates flow contexts. */
    public FlowDeleteFunction flowDelete() { return flowDelete; }

    @Override public String toString() { return "Callout(" + name + ", " + key + ", flags=0x" + Integer.toHexString(flags) + ")"; }

    /** Builder of {@link CalloutRegistration}. */
    public static final class Builder {
        private final UUID key;
        private String name;
        private int flags;
        private Callout classify;
        private NotifyFunction notify;
        private FlowDeleteFunction flowDelete;

        private Builder(UUID key) { this.key = key; }

        /** Display name. */
        public Builder name(String n) { this.name = n; return this; }
        /** {@link CalloutFlags} bits. */
        public Builder flags(int f) { this.flags = f; return this; }
        /** The classify function (required). */
        public Builder classify(Callout c) { this.classify = c; return this; }
        /** The notify function. */
        public Builder notify(NotifyFunction n) { this.notify = n; return this; }
        /** The flowDelete function (required to associate flow contexts). */
        public Builder flowDelete(FlowDeleteFunction f) { this.flowDelete = f; return this; }
        /** Builds; throws {@link IllegalArgumentException}/{@link NullPointerException} on bad input. */
        public CalloutRegistration build() { return new CalloutRegistration(this); }
    }
}
