package io.calloutd.engine;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Engine configuration.
 *
 * @param defaultVerdict verdict when no sublayer decides (§1.6.3; PERMIT by default, check 1)
 * @param netEvents      where drop/veto events go
 * @param clockMillis    wall clock for event time stamps
 */
public record EngineConfig(Verdict defaultVerdict, NetEventSink netEvents, LongSupplier clockMillis) {
    /** Validates members. */
    public EngineConfig {
        Objects.requireNonNull(defaultVerdict, "defaultVerdict");
        Objects.requireNonNull(netEvents, "netEvents");
        Objects.requireNonNull(clockMillis, "clockMillis");
    }

    /** Default PERMIT, no events, system clock. */
    public static EngineConfig defaults() {
        return new EngineConfig(Verdict.PERMIT, NetEventSink.NONE, System::currentTimeMillis);
    }

    /** Copy with another default verdict. */
    public EngineConfig withDefaultVerdict(Verdict v) { return new EngineConfig(v, netEvents, clockMillis); }

    /** Copy with another event sink. */
    public EngineConfig withNetEvents(NetEventSink s) { return new EngineConfig(defaultVerdict, s, clockMillis); }
}
