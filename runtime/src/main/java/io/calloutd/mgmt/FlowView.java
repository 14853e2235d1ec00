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
     * The redirect records of the live redirected connection {@code client → redirectedTo} (what a proxy asks for the
     * connection it accepted: SO_ORIGINAL_DST, §3.5); empty if there is none. Safe from any thread. Default: none.
     */
    default java.util.Optional<io.calloutd.redirect.RedirectRecords> redirectRecords(
            int protocol, java.net.InetSocketAddress client, java.net.InetSocketAddress redirectedTo) {
        return java.util.Optional.empty();
    }

    /** A view with no flows that answers redirect queries from {@code registry}. */
    static FlowView redirectsOnly(io.calloutd.redirect.RedirectRegistry registry) {
        return new FlowView() {
            @Override
            public List<FlowSummary> snapshot(int limit) {
                return List.of();
            }

            @Override
            public java.util.Optional<io.calloutd.redirect.RedirectRecords> redirectRecords(
                    int protocol, java.net.InetSocketAddress client, java.net.InetSocketAddress redirectedTo) {
                return registry.query(protocol, client, redirectedTo);
            }
        };
    }

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
