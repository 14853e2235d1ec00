package io.calloutd.engine;

import java.util.UUID;

/** The registration state of one callout key, shared by every filter naming it; read once per invocation. */
final class CalloutSlot {
    final UUID key;
    volatile Callout callout;

    CalloutSlot(UUID key) {
        this.key = key;
    }
}
