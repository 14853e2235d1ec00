package io.calloutd.callout;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** A registered callout: its run-time id, registration and statistics. Returned by {@link CalloutRegistry#register}. */
public final class RegisteredCallout {
    private final int id;
    private final CalloutRegistration registration;
    final CalloutStats stats = new CalloutStats();
    /** Flow contexts currently associated through the registry (unregister is DEVICE_BUSY while &gt; 0). */
    final AtomicInteger contexts = new AtomicInteger();

    RegisteredCallout(int id, CalloutRegistration registration) {
        this.id = id;
        this.registration = registration;
    }

    /** Run-time callout id (the UINT32 {@code calloutId}), &ge; 1, never reused. */
    public int id() { return id; }
    /** The callout key. */
    public UUID key() { return registration.key(); }
    /** What was registered. */
    public CalloutRegistration registration() { return registration; }
    /** Flow contexts currently associated. */
    public int associatedContexts() { return contexts.get(); }
    /** Current classify statistics. */
    public CalloutTiming timing() { return stats.snapshot(this); }
    /** @return the distribution of classify times (every call is timed) */
    public io.calloutd.metrics.LatencyHistogram.Snapshot classifyTimes() { return stats.histogram.snapshot(); }

    @Override public String toString() { return "#" + id + " " + registration; }
}
