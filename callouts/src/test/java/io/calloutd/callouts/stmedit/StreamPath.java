package io.calloutd.callouts.stmedit;

import io.calloutd.callout.CalloutInstance;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Sublayer;
import io.calloutd.testkit.CalloutTestPath;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpPort;

/**
 * One TCP connection through the callout test kit for stmedit tests: a PEER connects to the protected HOST's
 * {@code hostPort}; segments are built and parsed with pcap4j (independent of the runtime's parser).
 */
final class StreamPath implements AutoCloseable {
    static final String HOST = "198.18.1.2", PEER = "198.18.2.2";
    static final int PEER_PORT = 50000, PEER_ISN = 7000, HOST_ISN = 3000;
    final CalloutTestPath kit = CalloutTestPath.create();
    final List<CalloutInstance> instances = new ArrayList<>();

    /** Creates an stmedit instance from {@code params} and adds a STREAM_V4 filter for it in {@code sublayer}. */
    void stmedit(Map<String, Object> params, Sublayer sublayer) throws Exception {
        CalloutInstance c = new StmeditFactory().create(params, kit.services());
        instances.add(c);
        UUID key = kit.register(c, FilterAction.CALLOUT_TERMINATING).key();
        kit.filter(Layer.STREAM_V4, FilterAction.CALLOUT_TERMINATING, key, b -> {
            if (sublayer != null) b.sublayer(sublayer);
        });
    }

    void in(byte[] p) {
        kit.inbound(p);
    }

    void out(byte[] p) {
        kit.outbound(p);
    }

    /** PEER connects to HOST:hostPort. */
    void connect(int hostPort) {
        in(tcp(PEER, PEER_PORT, HOST, hostPort, TcpFlags.SYN, PEER_ISN, 0, null));
        out(tcp(HOST, hostPort, PEER, PEER_PORT, TcpFlags.SYN | TcpFlags.ACK, HOST_ISN, PEER_ISN + 1, null));
        in(tcp(PEER, PEER_PORT, HOST, hostPort, TcpFlags.ACK, PEER_ISN + 1, HOST_ISN + 1, null));
    }

    /** PEER sends {@code text} at stream offset {@code offset} (FIN after it if {@code fin}). */
    void peerSends(int hostPort, int offset, String text, boolean fin) {
        in(tcp(PEER, PEER_PORT, HOST, hostPort, TcpFlags.ACK | TcpFlags.PSH | (fin ? TcpFlags.FIN : 0),
                PEER_ISN + 1 + offset, HOST_ISN + 1, text));
    }

    /** What the host's application reads: payloads toward the host in order (each segment's TCP checksum checked). */
    String hostReads() {
        StringBuilder b = new StringBuilder();
        for (byte[] raw : kit.received()) {
            TcpPacket t = parse(raw);
            if (t.getPayload() != null) b.append(new String(t.getPayload().getRawData(), StandardCharsets.ISO_8859_1));
        }
        return b.toString();
    }

    boolean hostGotFin() {
        return kit.received().stream().anyMatch(r -> parse(r).getHeader().getFin());
    }

    static TcpPacket parse(byte[] raw) {
        try {
            IpV4Packet ip = IpV4Packet.newPacket(raw, 0, raw.length);
            TcpPacket t = (TcpPacket) ip.getPayload();
            if (!t.hasValidChecksum(ip.getHeader().getSrcAddr(), ip.getHeader().getDstAddr(), false)) {
                throw new AssertionError("bad TCP checksum (pcap4j)");
            }
            return t;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** TCP flag bits. */
    static final class TcpFlags {
        static final int FIN = 1, SYN = 2, PSH = 8, ACK = 16;
    }

    static byte[] tcp(String src, int sp, String dst, int dp, int flags, int seq, int ack, String payload) {
        try {
            var s = (java.net.Inet4Address) InetAddress.getByName(src);
            var d = (java.net.Inet4Address) InetAddress.getByName(dst);
            byte[] data = payload == null ? new byte[0] : payload.getBytes(StandardCharsets.ISO_8859_1);
            TcpPacket.Builder t = new TcpPacket.Builder().srcPort(TcpPort.getInstance((short) sp))
                    .dstPort(TcpPort.getInstance((short) dp)).sequenceNumber(seq).acknowledgmentNumber(ack)
                    .fin((flags & TcpFlags.FIN) != 0).syn((flags & TcpFlags.SYN) != 0).ack((flags & TcpFlags.ACK) != 0)
                    .psh((flags & TcpFlags.PSH) != 0).window((short) 8192)
                    .payloadBuilder(data.length > 0 ? new UnknownPacket.Builder().rawData(data) : null)
                    .srcAddr(s).dstAddr(d).correctLengthAtBuild(true).correctChecksumAtBuild(true).paddingAtBuild(true);
            return new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc791Tos.newInstance((byte) 0)).ttl((byte) 64)
                    .protocol(IpNumber.TCP).srcAddr(s).dstAddr(d).dontFragmentFlag(true).payloadBuilder(t)
                    .correctLengthAtBuild(true).correctChecksumAtBuild(true).build().getRawData();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        kit.close(); // closes the stmedit instances too
    }
}
