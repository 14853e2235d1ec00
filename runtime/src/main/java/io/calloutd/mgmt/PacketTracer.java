package io.calloutd.mgmt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Live layer traces for {@code calloutctl trace}; the daemon implements it over its classifiers. */
@FunctionalInterface
public interface PacketTracer {
    /** No packet path to trace. */
    PacketTracer NONE = (match, seconds, sink, cancelled) -> {
        throw new MgmtException("FWP_E_NOT_SUPPORTED", "this daemon has no packet path to trace");
    };

    /**
     * Streams one JSON object per classification of a matching packet (layer, flags, verdict, filter, direction,
     * flow, packet) to {@code sink}, from another thread, for {@code seconds}; then one {@code {"event":"trace-end"}}.
     * Stops early when {@code cancelled} says so (the session closed).
     */
    void start(Match match, int seconds, Consumer<ObjectNode> sink, BooleanSupplier cancelled) throws MgmtException;

    /**
     * Which packets to trace; null fields match anything.
     *
     * @param protocol    IP protocol number
     * @param port        local or remote port (ICMP: type or code)
     * @param addressHigh first 64 bits of an IPv6 address; 0 for IPv4
     * @param addressLow  last 64 bits of an IPv6 address, or the IPv4 address; matched against local or remote
     * @param v6          whether the address is IPv6
     */
    record Match(Integer protocol, Integer port, Long addressHigh, Long addressLow, boolean v6) {
        /** Everything. */
        public static final Match ALL = new Match(null, null, null, null, false);

        /** From text options; the address is an IP literal (no names resolved). */
        public static Match of(Integer protocol, Integer port, String address) throws MgmtException {
            if (protocol != null && (protocol < 0 || protocol > 255)) {
                throw new MgmtException("FWP_E_INVALID_PARAMETER", "protocol must be 0..255, got " + protocol);
            }
            if (port != null && (port < 0 || port > 65535)) {
                throw new MgmtException("FWP_E_INVALID_PARAMETER", "port must be 0..65535, got " + port);
            }
            if (address == null) {
                return new Match(protocol, port, null, null, false);
            }
            if (!address.matches("[0-9a-fA-F.:]+")) {
                throw new MgmtException("FWP_E_INVALID_PARAMETER", "address: not an IP address: " + address);
            }
            try {
                byte[] b = InetAddress.getByName(address).getAddress();
                ByteBuffer bb = ByteBuffer.wrap(b);
                return b.length == 4 ? new Match(protocol, port, 0L, bb.getInt() & 0xFFFFFFFFL, false)
                        : new Match(protocol, port, bb.getLong(), bb.getLong(), true);
            } catch (UnknownHostException e) {
                throw new MgmtException("FWP_E_INVALID_PARAMETER", "address: not an IP address: " + address);
            }
        }
    }
}
