package io.calloutd.engine;

/**
 * Receives net events from the packet thread. Implementations must be bounded and must never block (drop or
 * overwrite when full). Events are only built when {@link #accepts(NetEventType)} is true, so a sink that collects
 * nothing costs no allocation.
 */
public interface NetEventSink {
    /** A sink that collects nothing. */
    NetEventSink NONE = new NetEventSink() {
        @Override public boolean accepts(NetEventType type) { return false; }
        @Override public void onEvent(NetEvent event) { }
    };

    /** True if events of this type should be built and delivered. */
    default boolean accepts(NetEventType type) { return true; }

    /** Delivers one event; must not block or throw. */
    void onEvent(NetEvent event);
}
