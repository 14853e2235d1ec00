package io.calloutd.classify;

import io.calloutd.engine.Field;
import io.calloutd.engine.IncomingValues;
import io.calloutd.flow.Flow;
import io.calloutd.packet.IpProtocols;
import io.calloutd.pipeline.Direction;

/**
 * Fills the incoming values from what is known about a packet or a flow. The superset of the fields of every
 * layer is filled once per packet; the engine reads only the fields of the layer it classifies, and the
 * classifier changes FLAGS and DIRECTION per layer.
 */
final class ValueFiller {
    private ValueFiller() { }

    static void fill(IncomingValues in, PacketFacts f, int interfaceIndex) {
        in.clear();
        in.setUint8(Field.IP_PROTOCOL, f.protocol);
        address(in, Field.IP_LOCAL_ADDRESS, f.version, f.localHigh, f.localLow);
        address(in, Field.IP_REMOTE_ADDRESS, f.version, f.remoteHigh, f.remoteLow);
        in.setUint8(Field.IP_LOCAL_ADDRESS_TYPE, AddressType.of(f.version, f.localHigh, f.localLow));
        boolean out = f.direction == Direction.OUTBOUND;
        in.setUint8(Field.IP_DESTINATION_ADDRESS_TYPE, out ? AddressType.of(f.version, f.remoteHigh, f.remoteLow)
                : AddressType.of(f.version, f.localHigh, f.localLow));
        in.setUint16(Field.IP_LENGTH, f.ipLength);
        if (hasPorts(f.protocol) || f.icmpType >= 0) {
            in.setUint16(Field.IP_LOCAL_PORT, f.localPort);
            in.setUint16(Field.IP_REMOTE_PORT, f.remotePort);
        }
        if (f.icmpType >= 0) {
            in.setUint16(Field.ICMP_TYPE, f.icmpType);
            in.setUint16(Field.ICMP_CODE, f.icmpCode);
        }
        if (f.protocol == IpProtocols.TCP) {
            in.setUint8(Field.TCP_FLAGS, f.tcpFlags);
        }
        if (f.icmpError && f.embeddedValid) {
            in.setUint8(Field.EMBEDDED_PROTOCOL, f.embeddedProtocol);
            address(in, Field.EMBEDDED_REMOTE_ADDRESS, f.version, f.embeddedRemoteHigh, f.embeddedRemoteLow);
            in.setUint8(Field.EMBEDDED_LOCAL_ADDRESS_TYPE, AddressType.of(f.version, f.localHigh, f.localLow));
            in.setUint16(Field.EMBEDDED_LOCAL_PORT, f.embeddedLocalPort);
            in.setUint16(Field.EMBEDDED_REMOTE_PORT, f.embeddedRemotePort);
        }
        interfaces(in, interfaceIndex);
        in.setUint32(Field.FLAGS, 0);
    }

    /** The datagram an outbound ICMP error quotes, as it was when it arrived (for the discard layers). */
    static void fillQuoted(IncomingValues in, PacketFacts f, int interfaceIndex) {
        in.clear();
        in.setUint8(Field.IP_PROTOCOL, f.embeddedProtocol);
        address(in, Field.IP_LOCAL_ADDRESS, f.version, f.localHigh, f.localLow);
        address(in, Field.IP_REMOTE_ADDRESS, f.version, f.embeddedRemoteHigh, f.embeddedRemoteLow);
        in.setUint8(Field.IP_LOCAL_ADDRESS_TYPE, AddressType.of(f.version, f.localHigh, f.localLow));
        if (hasPorts(f.embeddedProtocol)) {
            in.setUint16(Field.IP_LOCAL_PORT, f.embeddedLocalPort);
            in.setUint16(Field.IP_REMOTE_PORT, f.embeddedRemotePort);
        }
        interfaces(in, interfaceIndex);
        in.setUint32(Field.FLAGS, 0);
    }

    /** A flow's endpoints, for ALE_ENDPOINT_CLOSURE. */
    static void fillFlow(IncomingValues in, Flow flow, int interfaceIndex) {
        in.clear();
        boolean localInitiated = flow.initiatorDirection() == Direction.OUTBOUND;
        int v = flow.ipVersion();
        in.setUint8(Field.IP_PROTOCOL, flow.protocol());
        long lh = localInitiated ? flow.initiatorAddressHigh() : flow.responderAddressHigh();
        long ll = localInitiated ? flow.initiatorAddressLow() : flow.responderAddressLow();
        address(in, Field.IP_LOCAL_ADDRESS, v, lh, ll);
        address(in, Field.IP_REMOTE_ADDRESS, v,
                localInitiated ? flow.responderAddressHigh() : flow.initiatorAddressHigh(),
                localInitiated ? flow.responderAddressLow() : flow.initiatorAddressLow());
        in.setUint8(Field.IP_LOCAL_ADDRESS_TYPE, AddressType.of(v, lh, ll));
        if (hasPorts(flow.protocol())) {
            in.setUint16(Field.IP_LOCAL_PORT, localInitiated ? flow.initiatorPort() : flow.responderPort());
            in.setUint16(Field.IP_REMOTE_PORT, localInitiated ? flow.responderPort() : flow.initiatorPort());
        }
        interfaces(in, interfaceIndex);
        in.setUint32(Field.FLAGS, 0);
    }

    private static boolean hasPorts(int protocol) {
        return protocol == IpProtocols.TCP || protocol == IpProtocols.UDP;
    }

    private static void interfaces(IncomingValues in, int interfaceIndex) {
        if (interfaceIndex > 0) {
            in.setUint32(Field.INTERFACE_INDEX, interfaceIndex);
            in.setUint64(Field.IP_LOCAL_INTERFACE, interfaceIndex);
        }
    }

    private static void address(IncomingValues in, Field field, int version, long high, long low) {
        if (version == 4) {
            in.setV4Address(field, (int) low);
        } else {
            in.setV6Address(field, high, low);
        }
    }
}
