package io.calloutd.gso;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.nativebridge.IpCommand;
import io.calloutd.nativebridge.NetNs;
import io.calloutd.nativebridge.TunDevice;
import io.calloutd.nativebridge.TunQueue;
import io.calloutd.nativebridge.VirtioNetHeader;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.testing.packets.TestPackets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc1349Tos;
import org.pcap4j.packet.TcpMaximumSegmentSizeOption;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;

/**
 * Real kernel super-frames: in a private namespace a TCP socket connects through a vnet-header TUN
 * with TSO offloads to a peer faked by hand (a SYN-ACK written into the TUN); the data it then sends
 * arrives as GSO_TCPV4 frames, which are segmented and checked with pcap4j. Skipped without root.
 */
class KernelTsoTest {
    private static final String LOCAL = "198.18.0.1";
    private static final String PEER = "198.18.1.2";

    @Test
    void kernelSuperFramesSegmentIntoValidPackets() throws Exception {
        boolean privileged = Files.exists(Path.of("/dev/net/tun")) && "root".equals(System.getProperty("user.name"));
        // Like every TUN/namespace test here: a missing privilege is a failure, never a skip (the suite runs as root).
        org.junit.jupiter.api.Assertions.assertTrue(privileged, "needs root and /dev/net/tun");
        String ns = "gso-" + Long.toHexString(new Random().nextLong() & 0xFFFFFFFFL);
        IpCommand.run("netns", "add", ns);
        try {
            NetNs.run(ns, () -> runInNamespace(ns));
        } finally {
            IpCommand.run("netns", "del", ns);
        }
    }

    private static void runInNamespace(String ns) throws Exception {
        try (TunDevice tun = TunDevice.create("gsotun0", 1, true)) {
            tun.setOffload(TunDevice.TUN_F_CSUM | TunDevice.TUN_F_TSO4 | TunDevice.TUN_F_TSO6);
            IpCommand.inNamespace(ns, "link", "set", "lo", "up");
            IpCommand.inNamespace(ns, "addr", "add", LOCAL + "/24", "dev", "gsotun0");
            IpCommand.inNamespace(ns, "link", "set", "gsotun0", "up");
            IpCommand.inNamespace(ns, "route", "add", "198.18.1.0/24", "dev", "gsotun0");
            TunQueue q = tun.queues().get(0);
            ByteBuf rx = PooledByteBufAllocator.DEFAULT.directBuffer(70_000);
            try (SocketChannel ch = SocketChannel.open()) {
                ch.configureBlocking(false);
                ch.connect(new InetSocketAddress(PEER, 5000));
                TcpPacket syn = readTcp(q, rx, 0x02);
                int peerIsn = 0x10000000;
                writeSynAck(q, syn, peerIsn);
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!ch.finishConnect()) {
                    assertThat(System.nanoTime()).as("connect").isLessThan(deadline);
                    Thread.sleep(5);
                }
                byte[] data = TestPackets.bytes(new Random(7), 20_000);
                ch.write(ByteBuffer.wrap(data));
                collectAndCheck(q, rx, data, syn.getHeader().getSequenceNumber() + 1);
            } finally {
                rx.release();
            }
        }
    }

    /** Reads frames until a TCP packet with {@code flag} set arrives (skips e.g. IPv6 router chatter). */
    private static TcpPacket readTcp(TunQueue q, ByteBuf rx, int flag) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            rx.clear();
            if (q.read(rx) == 0) {
                Thread.sleep(2);
                continue;
            }
            rx.skipBytes(VnetHeader.SIZE);
            byte[] b = ByteBufUtil.getBytes(rx);
            if ((b[0] >> 4) != 4) {
                continue;
            }
            TcpPacket t = TestPackets.parse(b).get(TcpPacket.class);
            if (t != null && (t.getRawData()[13] & flag) != 0) {
                return t;
            }
        }
        throw new AssertionError("no TCP packet with flag " + flag);
    }

    private static void writeSynAck(TunQueue q, TcpPacket syn, int isn) throws Exception {
        Inet4Address local = (Inet4Address) InetAddress.getByName(LOCAL);
        Inet4Address peer = (Inet4Address) InetAddress.getByName(PEER);
        List<TcpPacket.TcpOption> opts = new ArrayList<>();
        opts.add(new TcpMaximumSegmentSizeOption.Builder().maxSegSize((short) 1460).correctLengthAtBuild(true).build());
        TcpPacket.Builder tcp = new TcpPacket.Builder()
                .srcPort(syn.getHeader().getDstPort()).dstPort(syn.getHeader().getSrcPort())
                .sequenceNumber(isn).acknowledgmentNumber(syn.getHeader().getSequenceNumber() + 1)
                .syn(true).ack(true).window((short) 0xFFFF).options(opts).paddingAtBuild(true)
                .srcAddr(peer).dstAddr(local).correctLengthAtBuild(true).correctChecksumAtBuild(true);
        byte[] ip = new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc1349Tos.newInstance((byte) 0))
                .ttl((byte) 64).protocol(IpNumber.TCP).srcAddr(peer).dstAddr(local).payloadBuilder(tcp)
                .correctChecksumAtBuild(true).correctLengthAtBuild(true).build().getRawData();
        ByteBuf tx = PooledByteBufAllocator.DEFAULT.directBuffer(VnetHeader.SIZE + ip.length);
        try {
            tx.writerIndex(VnetHeader.SIZE).readerIndex(VnetHeader.SIZE).writeBytes(ip);
            assertThat(VnetHeader.prependNone(tx)).isTrue();
            assertThat(q.write(tx)).isEqualTo(tx.readableBytes());
        } finally {
            tx.release();
        }
    }

    /** Reads data frames until the sender pauses; every GSO frame is segmented and checked. */
    private static void collectAndCheck(TunQueue q, ByteBuf rx, byte[] data, int firstSeq) throws Exception {
        GsoFrame frame = new GsoFrame(PooledByteBufAllocator.DEFAULT, VnetHeader.SIZE);
        PacketParser parser = new PacketParser();
        ParsedPacket parsed = new ParsedPacket();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        int gsoFrames = 0;
        int segments = 0;
        long quietUntil = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < quietUntil) {
            rx.clear();
            if (q.read(rx) == 0) {
                Thread.sleep(2);
                continue;
            }
            GsoFrame.Kind kind = frame.wrap(rx);
            assertThat(kind).isNotEqualTo(GsoFrame.Kind.INVALID);
            if (parser.parse(frame.stripHeader(), parsed) != null || parsed.ipVersion() != 4
                    || parsed.transportProtocol() != 6 || parsed.payloadLength() == 0) {
                continue;
            }
            quietUntil = System.nanoTime() + 300_000_000L;
            if (kind != GsoFrame.Kind.GSO) {
                continue; // a plain data packet: the sender may not coalesce every send
            }
            gsoFrames++;
            VnetHeader h = frame.header();
            assertThat(h.gsoType()).isEqualTo(VirtioNetHeader.GSO_TCPV4);
            assertThat(h.needsChecksum()).isTrue();
            assertThat(h.csumStart()).isEqualTo(20);
            assertThat(h.csumOffset()).isEqualTo(16);
            assertThat(h.gsoSize()).isBetween(1, 1460);
            List<ByteBuf> segs = new ArrayList<>();
            assertThat(frame.segment(parsed, (s, i, n) -> segs.add(s))).isNull();
            assertThat(segs.size()).isGreaterThan(1);
            for (ByteBuf s : segs) {
                byte[] b = ByteBufUtil.getBytes(s);
                s.release();
                IpV4Packet ip = IpV4Packet.newPacket(b, 0, b.length);
                TcpPacket t = ip.get(TcpPacket.class);
                assertThat(ip.getHeader().hasValidChecksum(false)).isTrue();
                assertThat(t.hasValidChecksum(ip.getHeader().getSrcAddr(), ip.getHeader().getDstAddr(), false)).isTrue();
                byte[] p = t.getPayload().getRawData();
                assertThat(p.length).isLessThanOrEqualTo(h.gsoSize());
                assertThat(t.getHeader().getSequenceNumber() - firstSeq).isEqualTo(stream.size());
                stream.write(p);
                segments++;
            }
        }
        assertThat(gsoFrames).as("GSO_TCPV4 frames from the kernel").isGreaterThan(0);
        byte[] got = stream.toByteArray();
        assertThat(got.length).isGreaterThan(2 * 1460);
        byte[] prefix = new byte[got.length];
        System.arraycopy(data, 0, prefix, 0, got.length);
        assertThat(got).isEqualTo(prefix);
        System.out.printf("kernel TSO: %d GSO frames -> %d segments, %d bytes%n", gsoFrames, segments, got.length);
    }
}
