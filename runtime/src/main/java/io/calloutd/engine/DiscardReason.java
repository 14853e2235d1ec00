package io.calloutd.engine;

/**
 * Why a packet is classified at a {@code *_DISCARD} layer ({@code FWPS_DISCARD_METADATA0}, §1.6.6). The engine uses
 * {@link #FIREWALL_POLICY}; the packet path passes the others when the stack itself drops a packet.
 */
public enum DiscardReason {
    /** Module GENERAL, reason FWPS_DISCARD_FIREWALL_POLICY: the filter engine blocked it. */
    FIREWALL_POLICY(Module.GENERAL),
    IP_NOT_LOCALLY_DESTINED(Module.IP),
    IP_NO_ROUTE(Module.IP),
    IP_HOP_LIMIT_EXCEEDED(Module.IP),
    IP_PORT_UNREACHABLE(Module.IP),
    IP_INSPECTION_ABSORB(Module.IP),
    TRANSPORT_ENDPOINT_NOT_FOUND(Module.TRANSPORT),
    TRANSPORT_CHECKSUM_INVALID(Module.TRANSPORT),
    TRANSPORT_OUTSIDE_WINDOW(Module.TRANSPORT),
    TRANSPORT_TCB_REMOVED(Module.TRANSPORT);

    /** Discard module ({@code FWPS_DISCARD_MODULE*}). */
    public enum Module { GENERAL, IP, TRANSPORT }

    private final Module module;

    DiscardReason(Module module) {
        this.module = module;
    }

    /** The discard module. */
    public Module module() { return module; }
}
