package io.calloutd.engine;

/** Net event types produced by the engine (§8.7). */
public enum NetEventType {
    /** A BLOCK verdict without ABSORB ({@code FWPM_NET_EVENT_TYPE_CLASSIFY_DROP}). */
    CLASSIFY_DROP,
    /** A callout vetoed a hard permit (audit 5153 + notification); emitted even when absorbed. */
    VETO
}
