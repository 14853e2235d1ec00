package io.calloutd.engine;

/**
 * WFP run-time layers the port does not offer, each with the reason (M-20: never silently absent). Adding a filter
 * to them is impossible because they have no {@link Layer} constant.
 */
public enum UnsupportedLayer {
    ALE_RESOURCE_ASSIGNMENT_V4("triggered by socket bind(); a TUN engine sees packets, not socket calls"),
    ALE_RESOURCE_ASSIGNMENT_V6("triggered by socket bind(); a TUN engine sees packets, not socket calls"),
    ALE_RESOURCE_ASSIGNMENT_V4_DISCARD("twin of an unsupported layer"),
    ALE_RESOURCE_ASSIGNMENT_V6_DISCARD("twin of an unsupported layer"),
    ALE_AUTH_LISTEN_V4("triggered by listen(); no socket-call event source on a TUN"),
    ALE_AUTH_LISTEN_V6("triggered by listen(); no socket-call event source on a TUN"),
    ALE_AUTH_LISTEN_V4_DISCARD("twin of an unsupported layer"),
    ALE_AUTH_LISTEN_V6_DISCARD("twin of an unsupported layer"),
    ALE_RESOURCE_RELEASE_V4("paired with RESOURCE_ASSIGNMENT, which has no trigger on a TUN"),
    ALE_RESOURCE_RELEASE_V6("paired with RESOURCE_ASSIGNMENT, which has no trigger on a TUN"),
    STREAM_V4_DISCARD("reserved by WFP, never classified"),
    STREAM_V6_DISCARD("reserved by WFP, never classified"),
    STREAM_PACKET_V4("not in the port's layer set (M-20); per-segment TCP view not implemented"),
    STREAM_PACKET_V6("not in the port's layer set (M-20); per-segment TCP view not implemented");

    private final String reason;

    UnsupportedLayer(String reason) {
        this.reason = reason;
    }

    /** Why the layer is not offered. */
    public String reason() { return reason; }
}
