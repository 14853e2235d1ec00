package io.calloutd.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.engine.Layer;
import io.calloutd.pipeline.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc1349Tos;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.UdpPort;

/**
 * The drop capture file as tshark reads it: every offered packet once, in order, with its comment and its bytes,
 * rotation keeping the newest files, and a full ring refusing (and counting) instead of waiting.
 */
class PacketCaptureWriterTest {
    @Test
    void tsharkReadsEveryPacketWithItsComment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("drops.pcapng");
        try (PacketCaptureWriter w = PacketCaptureWriter.start(PacketCaptureWriter.Settings.of(file))) {
            w.filterNames(id -> id == 7 ? "block-dns" : null);
            for (int i = 0; i < 20; i++) {
                ByteBuf b = Unpooled.wrappedBuffer(udp(1000 + i, 53, i * 10 + 1));
                assertThat(w.offer(b, 0, b.readableBytes(), CaptureNote.DROP, Layer.OUTBOUND_TRANSPORT_V4, i % 2 == 0 ? 7 : 0,
                        Direction.OUTBOUND)).isTrue();
                b.release();
            }
            assertThat(w.awaitWritten(5_000)).isTrue();
            assertThat(w.written()).isEqualTo(20);
            assertThat(w.dropped()).isZero();
        }
        Tshark.Output out = Tshark.fields(file, "frame.comment", "ip.src", "udp.srcport", "udp.dstport", "udp.length", "frame.len");
        assertThat(out.exit()).as(out.stderr()).isZero();
        assertThat(out.stderr()).isBlank();
        assertThat(out.lines()).hasSize(20);
        for (int i = 0; i < 20; i++) {
            String comment = i % 2 == 0
                    ? "drop layer=OUTBOUND_TRANSPORT_V4 filter=7 direction=OUTBOUND name=block-dns"
                    : "drop layer=OUTBOUND_TRANSPORT_V4 direction=OUTBOUND";
            assertThat(out.lines().get(i)).isEqualTo(comment + "|198.18.1.2|" + (1000 + i) + "|53|" + (8 + i * 10 + 1)
                    + "|" + (28 + i * 10 + 1));
        }
    }

    @Test
    void rotatesBySizeKeepingTheNewestFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("drops.pcapng");
        int packets = 300; // ~1 KiB blocks: ~300 KiB over 64 KiB files
        try (PacketCaptureWriter w = PacketCaptureWriter.start(PacketCaptureWriter.Settings.of(file).withRotation(65_536, 3))) {
            for (int i = 0; i < packets; i++) {
                ByteBuf b = Unpooled.wrappedBuffer(udp(i, 9, 1000));
                while (!w.offer(b, 0, b.readableBytes(), CaptureNote.DROP, null, 0, null)) {
                    Thread.sleep(1); // the test wants every packet; the packet path would not wait
                }
                b.release();
            }
            assertThat(w.awaitWritten(10_000)).isTrue();
            assertThat(w.status().get("rotations")).isEqualTo(4L);
        }
        assertThat(Files.exists(dir.resolve("drops.pcapng.3"))).isFalse();
        List<Integer> ports = new ArrayList<>();
        for (String name : List.of("drops.pcapng.2", "drops.pcapng.1", "drops.pcapng")) {
            Path f = dir.resolve(name);
            assertThat(Files.size(f)).isLessThanOrEqualTo(65_536);
            Tshark.Output out = Tshark.fields(f, "udp.srcport");
            assertThat(out.exit()).as(out.stderr()).isZero();
            out.lines().forEach(l -> ports.add(Integer.parseInt(l)));
        }
        // The newest packets, consecutive, ending with the last one.
        assertThat(ports).isNotEmpty();
        assertThat(ports.get(ports.size() - 1)).isEqualTo(packets - 1);
        for (int i = 1; i < ports.size(); i++) {
            assertThat(ports.get(i)).isEqualTo(ports.get(i - 1) + 1);
        }
    }

    @Test
    void aFullRingRefusesAndCounts(@TempDir Path dir) throws Exception {
        CaptureRing ring = new CaptureRing(4, 2048);
        ByteBuf b = Unpooled.wrappedBuffer(udp(1, 2, 10));
        for (int i = 0; i < 4; i++) {
            assertThat(ring.offer(b, 0, b.readableBytes(), 0, CaptureNote.DROP, null, 0, null)).isTrue();
        }
        assertThat(ring.offer(b, 0, b.readableBytes(), 0, CaptureNote.DROP, null, 0, null)).isFalse();
        assertThat(ring.poll().captured).isEqualTo(b.readableBytes());
        ring.release();
        assertThat(ring.offer(b, 0, b.readableBytes(), 0, CaptureNote.DROP, null, 0, null)).isTrue();
        b.release();
    }

    static byte[] udp(int sp, int dp, int payload) throws Exception {
        Inet4Address s = (Inet4Address) InetAddress.getByName("198.18.1.2");
        Inet4Address d = (Inet4Address) InetAddress.getByName("198.18.2.2");
        UdpPacket.Builder u = new UdpPacket.Builder().srcPort(UdpPort.getInstance((short) sp))
                .dstPort(UdpPort.getInstance((short) dp)).payloadBuilder(new UnknownPacket.Builder().rawData(new byte[payload]))
                .srcAddr(s).dstAddr(d).correctLengthAtBuild(true).correctChecksumAtBuild(true);
        return new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc1349Tos.newInstance((byte) 0))
                .identification((short) 7).ttl((byte) 64).protocol(IpNumber.UDP).srcAddr(s).dstAddr(d).payloadBuilder(u)
                .correctChecksumAtBuild(true).correctLengthAtBuild(true).build().getRawData();
    }
}
