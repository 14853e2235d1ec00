package io.calloutd.callout;

/**
 * The mark an injected packet carries (the NBL tag WFP keeps): the injecting handle, the injector's context and the
 * tag the packet had before (so a packet reinjected by someone else still remembers earlier injectors). Immutable.
 * The data path must carry it from {@link InjectedPacket#tag()} onto the {@link PacketView} of the re-entering
 * packet ({@link PacketView#injectionTag(InjectionTag)}).
 */
public final class InjectionTag {
    private final long handleId;
    private final Object context;
    private final InjectionTag previous;

    InjectionTag(long handleId, Object context, InjectionTag previous) {
        this.handleId = handleId;
        this.context = context;
        this.previous = previous;
    }

    /** Id of the handle that injected the packet last. */
    public long handleId() { return handleId; }
    /** Context given with that injection. */
    public Object context() { return context; }
    /** The tag of the packet before that injection, or null. */
    public InjectionTag previous() { return previous; }

    /** The state of a packet carrying {@code tag} (may be null) as seen by handle {@code handleId} (§4.3). */
    public static InjectionState stateFor(InjectionTag tag, long handleId) {
        if (tag == null) return InjectionState.NOT_INJECTED;
        if (tag.handleId == handleId) return InjectionState.INJECTED_BY_SELF;
        for (InjectionTag t = tag.previous; t != null; t = t.previous) {
            if (t.handleId == handleId) return InjectionState.PREVIOUSLY_INJECTED_BY_SELF;
        }
        return InjectionState.INJECTED_BY_OTHER;
    }

    /** The context the handle gave when it injected the packet (self states), else null. */
    public static Object contextFor(InjectionTag tag, long handleId) {
        for (InjectionTag t = tag; t != null; t = t.previous) {
            if (t.handleId == handleId) return t.context;
        }
        return null;
    }

    @Override public String toString() { return "injected-by-" + handleId + (previous != null ? "<-" + previous : ""); }
}
