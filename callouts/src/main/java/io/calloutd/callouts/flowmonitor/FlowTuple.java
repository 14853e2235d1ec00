package io.calloutd.callouts.flowmonitor;

import io.calloutd.engine.Field;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.ValueType;

/**
 * The 5-tuple of an indication seen from the protected host (local = inside), read from the incoming values, which
 * carry the same local/remote orientation at every layer a packet crosses. Used as a map key: a per-thread mutable
 * probe is filled for lookups (no allocation per packet) and an immutable copy is stored when a record is created.
 */
final class FlowTuple {
    int version, protocol, localPort, remotePort;
    long localHigh, localLow, remoteHigh, remoteLow;

    /** Fills this probe from {@code in}; false if the values carry no addresses. */
    boolean read(IncomingValues in) {
        ValueType t = in.type(Field.IP_LOCAL_ADDRESS);
        if (t == ValueType.UINT32) {
            version = 4;
        } else if (t == ValueType.BYTE_ARRAY16) {
            version = 6;
        } else {
            return false;
        }
        protocol = (int) in.low(Field.IP_PROTOCOL);
        localHigh = in.high(Field.IP_LOCAL_ADDRESS);
        localLow = in.low(Field.IP_LOCAL_ADDRESS);
        remoteHigh = in.high(Field.IP_REMOTE_ADDRESS);
        remoteLow = in.low(Field.IP_REMOTE_ADDRESS);
        localPort = in.type(Field.IP_LOCAL_PORT) == ValueType.UINT16 ? (int) in.low(Field.IP_LOCAL_PORT) : 0;
        remotePort = in.type(Field.IP_REMOTE_PORT) == ValueType.UINT16 ? (int) in.low(Field.IP_REMOTE_PORT) : 0;
        if (version == 4) {
            localHigh = 0;
            remoteHigh = 0;
        }
        return true;
    }

    /** An immutable-by-convention copy to store as a key. */
    FlowTuple copy() {
        FlowTuple t = new FlowTuple();
        t.version = version;
        t.protocol = protocol;
        t.localPort = localPort;
        t.remotePort = remotePort;
        t.localHigh = localHigh;
        t.localLow = localLow;
        t.remoteHigh = remoteHigh;
        t.remoteLow = remoteLow;
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowTuple t && t.version == version && t.protocol == protocol && t.localPort == localPort
                && t.remotePort == remotePort && t.localHigh == localHigh && t.localLow == localLow
                && t.remoteHigh == remoteHigh && t.remoteLow == remoteLow;
    }

    @Override
    public int hashCode() {
        long h = localLow * 0x9E3779B97F4A7C15L + remoteLow;
        h = h * 31 + localHigh * 17 + remoteHigh;
        h = h * 31 + ((long) localPort << 16 | remotePort) + ((long) protocol << 40);
        return (int) (h ^ (h >>> 32));
    }

    /** "addr:port" of the local side. */
    String local() { return endpoint(localHigh, localLow, localPort); }

    /** "addr:port" of the remote side. */
    String remote() { return endpoint(remoteHigh, remoteLow, remotePort); }

    /** Protocol name as operators write it. */
    String protocolName() {
        return switch (protocol) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 1 -> "icmp";
            case 58 -> "icmpv6";
            default -> Integer.toString(protocol);
        };
    }

    private String endpoint(long high, long low, int port) {
        String a;
        if (version == 4) {
            a = ((low >>> 24) & 0xFF) + "." + ((low >>> 16) & 0xFF) + "." + ((low >>> 8) & 0xFF) + "." + (low & 0xFF);
        } else {
            byte[] b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (high >>> (56 - 8 * i));
                b[8 + i] = (byte) (low >>> (56 - 8 * i));
            }
            try {
                a = "[" + java.net.InetAddress.getByAddress(b).getHostAddress() + "]";
            } catch (java.net.UnknownHostException e) {
                a = "?";
            }
        }
        return a + ":" + port;
    }
}
