package io.calloutd.engine;

/** Field vectors for tests. Addresses in 198.18.0.0/15 (host order). */
final class Packets {
    static final int LOCAL = 0xC6120001;  // 198.18.0.1
    static final int REMOTE = 0xC6130002; // 198.19.0.2
    static final int TCP = 6, UDP = 17;

    private Packets() { }

    static IncomingValues transport(int proto, int remotePort) {
        return new IncomingValues()
                .setUint8(Field.IP_PROTOCOL, proto)
                .setV4Address(Field.IP_LOCAL_ADDRESS, LOCAL)
                .setV4Address(Field.IP_REMOTE_ADDRESS, REMOTE)
                .setUint16(Field.IP_LOCAL_PORT, 40000)
                .setUint16(Field.IP_REMOTE_PORT, remotePort)
                .setUint32(Field.FLAGS, 0);
    }

    static IncomingValues tcp443() { return transport(TCP, 443); }
}
