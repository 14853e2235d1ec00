package io.calloutd.callout;

import io.calloutd.engine.Callout;
import java.util.Map;

/**
 * One configured callout created by a {@link CalloutFactory}: its classify function plus the optional parts of a
 * registration (flags, notify, flowDelete), a status for operators and a close hook. The daemon registers it under
 * the key the configuration gives and closes it when the policy that created it is replaced or the daemon stops.
 */
public interface CalloutInstance extends Callout, AutoCloseable {
    /** {@link CalloutFlags} bits to register with. Default: none. */
    default int flags() {
        return 0;
    }

    /** The notify function. Default: accept every filter. */
    default NotifyFunction notifyFunction() {
        return NotifyFunction.ACCEPT_ALL;
    }

    /** The flowDelete function, or null if this callout never associates flow contexts. */
    default FlowDeleteFunction flowDelete() {
        return null;
    }

    /**
     * What the callout has done so far (counters, records), as JSON-friendly values: shown in the stats file and by
     * the management API. Called from any thread; must be safe to call concurrently with classify.
     */
    default Map<String, Object> status() {
        return Map.of();
    }

    /** Stops workers and releases handles, held packets and files. Idempotent. Default: nothing. */
    @Override
    default void close() { }

    /** The registration for {@code key}/{@code name} built from this instance. */
    default CalloutRegistration registration(java.util.UUID key, String name) {
        CalloutRegistration.Builder b = CalloutRegistration.builder(key).name(name).flags(flags()).classify(this)
                .notify(notifyFunction());
        if (flowDelete() != null) {
            b.flowDelete(flowDelete());
        }
        return b.build();
    }
}
