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
     * @param id          unique in the daemon: packet thread (queue) and that thread's flow id, e.g. {@code 0-17}
     * @param protocol    IP protocol number
     * @param initiator   who opened it: OUTBOUND = the protected (local) side, INBOUND = the outside
     * @param local       local address (text)
     * @param localPort   local port (0 if none)
     * @param remote      remote address (text)
     * @param remotePort  remote port (0 if none)
     * @param state       tracker state name
     * @param packets     packets seen
     * @param bytes       bytes seen
     * @param ageMillis   time since creation
     */
    record FlowSummary(String id, int protocol, String initiator, String local, int localPort, String remote,
                       int remotePort, String state, long packets, long bytes, long ageMillis) { }
}
