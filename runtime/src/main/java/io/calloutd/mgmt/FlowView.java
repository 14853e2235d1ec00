package io.calloutd.mgmt;

import java.util.List;

/** Read access to the flow table for {@code calloutctl flows}; the daemon implements it over its flow tables. */
@FunctionalInterface
public interface FlowView {
    /** No flows. */
    FlowView NONE = limit -> List.of();

    /** Up to {@code limit} flows, as a snapshot; must be safe to call from a non-packet thread. */
    List<FlowSummary> snapshot(int limit);

    /**
     * One flow.
     *
     * @param protocol    IP protocol number
     * @param local       local address (text)
     * @param localPort   local port (0 if none)
     * @param remote      remote address (text)
     * @param remotePort  remote port (0 if none)
     * @param state       tracker state name
     * @param packets     packets seen
     * @param bytes       bytes seen
     * @param ageMillis   time since creation
     */
    record FlowSummary(int protocol, String local, int localPort, String remote, int remotePort, String state,
                       long packets, long bytes, long ageMillis) { }
}
