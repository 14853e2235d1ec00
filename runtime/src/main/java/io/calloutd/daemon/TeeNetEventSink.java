package io.calloutd.daemon;

import io.calloutd.engine.NetEvent;
import io.calloutd.engine.NetEventSink;
import io.calloutd.engine.NetEventType;

/**
 * Hands each net event to two sinks: the ring the stats file shows (always) and the management hub (the log,
 * subscribers), which decides for itself what it collects.
 */
final class TeeNetEventSink implements NetEventSink {
    private final NetEventSink always;
    private final NetEventSink selective;

    TeeNetEventSink(NetEventSink always, NetEventSink selective) {
        this.always = always;
        this.selective = selective;
    }

    @Override
    public boolean accepts(NetEventType type) {
        return always.accepts(type) || selective.accepts(type);
    }

    @Override
    public void onEvent(NetEvent event) {
        if (always.accepts(event.type())) {
            always.onEvent(event);
        }
        if (selective.accepts(event.type())) {
            selective.onEvent(event);
        }
    }
}
