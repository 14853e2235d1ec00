package io.calloutd.inject;

/** Outcome of one reinjection, without allocation. */
public enum InjectionResult {
    /** The kernel took the packet. */
    INJECTED,
    /** The TUN queue was full (non-blocking write returned EAGAIN). */
    QUEUE_FULL,
    /** The kernel refused the packet (e.g. EMSGSIZE, no route). */
    REFUSED
}
