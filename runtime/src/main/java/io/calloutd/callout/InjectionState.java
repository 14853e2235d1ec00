package io.calloutd.callout;

/** Answer of the injection-state query ({@code FWPS_PACKET_INJECTION_STATE}, §4.3). */
public enum InjectionState {
    /** The packet originated in the stack (was never injected). */
    NOT_INJECTED,
    /** Injected with the querying handle. */
    INJECTED_BY_SELF,
    /** Injected with another handle. */
    INJECTED_BY_OTHER,
    /** Injected with the querying handle earlier, then cloned and reinjected again (by anyone). */
    PREVIOUSLY_INJECTED_BY_SELF;

    /** True for the two "self" states: the callout must not pend or modify the packet again (no loops). */
    public boolean isSelf() { return this == INJECTED_BY_SELF || this == PREVIOUSLY_INJECTED_BY_SELF; }
}
