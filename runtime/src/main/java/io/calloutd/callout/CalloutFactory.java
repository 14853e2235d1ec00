package io.calloutd.callout;

import java.util.Map;

/**
 * A callout type that a policy file instantiates by name ({@code callouts: [{id: x, type: inspect, params: {...}}]}).
 * Implementations are found with {@link java.util.ServiceLoader} (list them in
 * {@code META-INF/services/io.calloutd.callout.CalloutFactory}) on the daemon's class path — the built-in library in
 * the {@code callouts} module — and in plug-in jars. Need a public no-argument constructor.
 */
public interface CalloutFactory {
    /** The type name used in configuration, e.g. {@code "inspect"}; lower case, unique. */
    String type();

    /** One line saying what the type does (shown by {@code calloutctl} and in the docs). */
    String description();

    /**
     * Checks {@code params} completely and creates an instance. Called when a policy is loaded, before anything is
     * applied: it must not have side effects other than allocating the instance (no threads started, no handles
     * created that {@link CalloutInstance#close()} would not release).
     *
     * @param params   the {@code params} map of the configuration (never null; may be empty)
     * @param services injection, deferred work and the engine
     * @throws IllegalArgumentException naming the parameter at fault, e.g. {@code "remoteAddress: not an IP address: x"}
     */
    CalloutInstance create(CalloutParams params, CalloutServices services);

    /** Convenience for tests: {@link #create(CalloutParams, CalloutServices)} from a plain map. */
    default CalloutInstance create(Map<String, Object> params, CalloutServices services) {
        return create(CalloutParams.of(type(), params), services);
    }
}
