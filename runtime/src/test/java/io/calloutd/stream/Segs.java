package io.calloutd.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.engine.Callout;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Sublayer;
import io.calloutd.testkit.CalloutTestPath;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.TcpSackOption;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpPort;

/**
 * TCP/IPv4 segments for stream tests, built and parsed with pcap4j (an implementation independent of ours, so its
 * checksum verdicts cross-check the rebuilt segments). HOST is the protected host (local), PEER the remote side.
 */
final class Segs {
    static final String HOST = "198.18.1.2", PEER = "198.18.2.2";
    static final int HOST_PORT = 40000, PEER_PORT = 8888;
    static final int HOST_ISN = 1000, PEER_ISN = 5000;
    static final int FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;

    private Segs() { }

    static Inet4Address addr(String s) {
        try {
            return (Inet4Address) InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A segment from the peer to the host. */
    static byte[] fromPeer(int flags, int seq, int ack, String payload) {
        return tcp(PEER, PEER_PORT, HOST, HOST_PORT, flags, seq, ack, 8192, payload, null);
    }

    /** A segment from the host to the peer. */
    static byte[] fromHost(int flags, int seq, int ack, String payload) {
        return tcp(HOST, HOST_PORT, PEER, PEER_PORT, flags, seq, ack, 8192, payload, null);
    }

    static byte[] tcp(String src, int sp, String dst, int dp, int flags, int seq, int ack, int window, String payload,
                      int[] sack) {
        Inet4Address s = addr(src), d = addr(dst);
        byte[] data = payload == null ? new byte[0] : payload.getBytes(StandardCharsets.ISO_8859_1);
        TcpPacket.Builder t = new TcpPacket.Builder().srcPort(TcpPort.getInstance((short) sp))
                .dstPort(TcpPort.getInstance((short) dp)).sequenceNumber(seq).acknowledgmentNumber(ack)
                .fin((flags & FIN) != 0).syn((flags & SYN) != 0).rst((flags & RST) != 0).ack((flags & ACK) != 0)
                .psh((flags & PSH) != 0).window((short) window)
                .payloadBuilder(data.length > 0 ? new UnknownPacket.Builder().rawData(data) : null)
                .srcAddr(s).dstAddr(d).correctLengthAtBuild(true).correctChecksumAtBuild(true).paddingAtBuild(true);
        if (sack != null) {
            List<TcpSackOption.Sack> blocks = new ArrayList<>();
            for (int i = 0; i < sack.length; i += 2) blocks.add(new TcpSackOption.Sack(sack[i], sack[i + 1]));
            t.options(List.of(new TcpSackOption.Builder().sacks(blocks).correctLengthAtBuild(true).build()));
        }
        return new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc791Tos.newInstance((byte) 0)).ttl((byte) 64)
                .protocol(IpNumber.TCP).srcAddr(s).dstAddr(d).dontFragmentFlag(true).payloadBuilder(t)
                .correctLengthAtBuild(true).correctChecksumAtBuild(true).build().getRawData();
    }

    /** The handshake HOST → PEER (host initiates): SYN, SYN-ACK, ACK. */
    static void handshake(CalloutTestPath h) {
        h.outbound(fromHost(SYN, HOST_ISN, 0, null));
        h.inbound(fromPeer(SYN | ACK, PEER_ISN, HOST_ISN + 1, null));
        h.outbound(fromHost(ACK, HOST_ISN + 1, PEER_ISN + 1, null));
    }

    /** Registers {@code c} and adds a STREAM_V4 filter invoking it (in {@code sublayer} unless null); its key. */
    static UUID streamCallout(CalloutTestPath h, Callout c, FilterAction action, Sublayer sublayer) throws Exception {
        UUID key = h.register(c, action).key();
        h.filter(Layer.STREAM_V4, action, key, f -> {
            if (sublayer != null) f.sublayer(sublayer);
        });
        return key;
    }

    /** A parsed emitted segment, with its checksums verified by pcap4j. */
    record Seg(int flags, int seq, int ack, int window, String payload, byte[] raw, TcpPacket tcp) {
        boolean has(int f) { return (flags & f) == f; }
    }

    static Seg parse(byte[] raw) {
        try {
            IpV4Packet ip = IpV4Packet.newPacket(raw, 0, raw.length);
            assertThat(ip.getHeader().hasValidChecksum(false)).as("IPv4 header checksum (pcap4j)").isTrue();
            assertThat(ip.getHeader().getTotalLengthAsInt()).isEqualTo(raw.length);
            TcpPacket t = (TcpPacket) ip.getPayload();
            assertThat(t.hasValidChecksum(ip.getHeader().getSrcAddr(), ip.getHeader().getDstAddr(), false))
                    .as("TCP checksum (pcap4j)").isTrue();
            TcpPacket.TcpHeader th = t.getHeader();
            int flags = (th.getFin() ? FIN : 0) | (th.getSyn() ? SYN : 0) | (th.getRst() ? RST : 0) | (th.getPsh() ? PSH : 0)
                    | (th.getAck() ? ACK : 0);
            String payload = t.getPayload() == null ? "" : new String(t.getPayload().getRawData(), StandardCharsets.ISO_8859_1);
            return new Seg(flags, th.getSequenceNumber(), th.getAcknowledgmentNumber(), th.getWindowAsInt(), payload, raw, t);
        } catch (IllegalRawDataException e) {
            throw new AssertionError("not a packet", e);
        }
    }

    static List<Seg> parseAll(List<byte[]> raws, int from) {
        List<Seg> out = new ArrayList<>();
        for (int i = from; i < raws.size(); i++) out.add(parse(raws.get(i)));
        return out;
    }

    /** Concatenated payloads of the segments carrying data, in order. */
    static String payloads(List<Seg> segs) {
        StringBuilder b = new StringBuilder();
        for (Seg s : segs) b.append(s.payload());
        return b.toString();
    }
}
