package io.calloutd.gso;

import static io.calloutd.nativebridge.VirtioNetHeader.FLAG_DATA_VALID;
import static io.calloutd.nativebridge.VirtioNetHeader.FLAG_NEEDS_CSUM;
import static io.calloutd.nativebridge.VirtioNetHeader.GSO_NONE;
import static io.calloutd.nativebridge.VirtioNetHeader.GSO_TCPV4;
import static io.calloutd.nativebridge.VirtioNetHeader.GSO_TCPV6;
import static io.calloutd.nativebridge.VirtioNetHeader.GSO_UDP_L4;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.fragment.ReassemblyConfig;
import io.calloutd.inject.InjectionPath;
import io.calloutd.inject.InjectionResult;
import io.calloutd.inject.PacketInjector;
import io.calloutd.nativebridge.TunQueue;
import io.calloutd.packet.DropCounters;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.pipeline.Direction;
import io.calloutd.pipeline.Egress;
import io.calloutd.pipeline.GsoCounters;
import io.calloutd.pipeline.PacketPipeline;
import io.calloutd.pipeline.PipelineCounters;
import io.calloutd.engine.Verdict;
import io.calloutd.pipeline.VerdictHook;
import io.calloutd.testing.packets.TestPackets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UdpPacket;

/**
 * The pipeline with vnet-header TUNs: super-frames classified once and passed back whole, segmented in software
 * where the egress or the hook needs it (segments checked by pcap4j), partial checksums completed only where the
 * header cannot follow, every refused frame counted by reason, and every frame accounted for.
 */
class GsoPipelineTest {
    /** MSS on a 1500-byte link with TCP timestamps: IPv4 1448, IPv6 1428. */
    private static final int MSS = 1448;
    private static final int MSS6 = 1428;
    private static final int ACK_PSH = 0x18;

    /** Records what would have reached the kernel. */
    private static final class RecordingInjector implements PacketInjector {
        final List<byte[]> received = new ArrayList<>();
        final List<byte[]> sent = new ArrayList<>();

        @Override
        public InjectionResult injectReceive(TunQueue queue, ByteBuf packet) {
            received.add(ByteBufUtil.getBytes(packet));
            return InjectionResult.INJECTED;
        }

        @Override
        public InjectionResult injectSend(ByteBuf packet, int ipVersion) {
            sent.add(ByteBufUtil.getBytes(packet));
            return InjectionResult.INJECTED;
        }
    }

    /** Counts what it is asked; permits everything. */
    private static final class CountingHook implements VerdictHook {
        final boolean wantSegments;
        int decided;
        int asked;
        int largestDecided;

        CountingHook(boolean wantSegments) {
            this.wantSegments = wantSegments;
        }

        @Override
        public Verdict decide(ParsedPacket packet, Direction direction) {
            decided++;
            largestDecided = Math.max(largestDecided, packet.ipLength());
            return Verdict.PERMIT;
        }

        @Override
        public boolean needsSegments(ParsedPacket superFrame, Direction direction) {
            asked++;
            return wantSegments;
        }
    }

    private final RecordingInjector injector = new RecordingInjector();
    private final PipelineCounters counters = new PipelineCounters();
    private final List<PacketPipeline> pipelines = new ArrayList<>();

    private boolean refragmented;

    @AfterEach
    void close() {
        pipelines.forEach(PacketPipeline::close);
        if (!refragmented) { // packetsOut counts every fragment of a refragmented packet (pipeline accounting)
            assertThat(counters.unaccounted()).as("every frame ends in exactly one bucket").isZero();
        }
    }

    private PacketPipeline pipeline(VerdictHook hook, int mtu) {
        Map<Direction, Egress> egress = Map.of(
                Direction.OUTBOUND, new Egress(InjectionPath.SEND, mtu, null, null),
                Direction.INBOUND, new Egress(InjectionPath.RECEIVE, mtu, null, null));
        PacketPipeline p = new PacketPipeline(hook, injector, new DropCounters(), counters, egress,
                ReassemblyConfig.DEFAULTS, PooledByteBufAllocator.DEFAULT, true);
        pipelines.add(p);
        return p;
    }

    private static void feed(PacketPipeline p, Direction d, byte[] frame) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(frame.length + 16);
        b.writeBytes(frame);
        p.receiverFor(d).onPacket(null, b);
    }

    /** The kernel's form of a TCP/UDP packet on a vnet TUN: transport checksum = pseudo-header sum only. */
    private static byte[] partial(byte[] ip, boolean v6, boolean tcp) {
        int l4 = v6 ? 40 : 20;
        int field = l4 + (tcp ? 16 : 6);
        byte[] p = ip.clone();
        int pseudo = PartialChecksumTest.pseudoHeaderSum(p, v6, tcp ? 6 : 17, p.length - l4);
        p[field] = (byte) (pseudo >>> 8);
        p[field + 1] = (byte) pseudo;
        return p;
    }

    private static byte[] tcpFrame(Random r, boolean v6, byte[] payload, int seq) {
        byte[] ip = partial(SuperFrames.tcp(r, v6, true, false, ACK_PSH, payload, seq), v6, true);
        int l4 = v6 ? 40 : 20;
        return SuperFrames.withHeader(ip, FLAG_NEEDS_CSUM, v6 ? GSO_TCPV6 : GSO_TCPV4, l4 + 32, v6 ? MSS6 : MSS, l4, 16);
    }

    @Test
    void superFramesTowardsATunAreClassifiedOnceAndPassedBackWholeWithTheirHeader() {
        CountingHook hook = new CountingHook(false);
        PacketPipeline p = pipeline(hook, 1500);
        Random r = new Random(1);
        byte[] v4 = tcpFrame(r, false, TestPackets.bytes(r, 20_000), 1000);
        byte[] v6 = tcpFrame(r, true, TestPackets.bytes(r, 60_000), 7);
        feed(p, Direction.INBOUND, v4);
        feed(p, Direction.INBOUND, v6);

        assertThat(injector.received).containsExactly(v4, v6); // header, partial checksum and all: the kernel segments
        assertThat(hook.decided).isEqualTo(2);
        assertThat(hook.asked).isEqualTo(2);
        GsoCounters g = counters.gso();
        assertThat(g.superFrames()).isEqualTo(2);
        assertThat(g.passedWhole()).isEqualTo(2);
        assertThat(g.segmented()).isZero();
        assertThat(counters.packetsOut()).isEqualTo(2);
    }

    @Test
    void theRawSocketPathGetsSoftwareSegmentsThatPcap4jAccepts() throws Exception {
        CountingHook hook = new CountingHook(false);
        PacketPipeline p = pipeline(hook, 1500);
        for (boolean v6 : new boolean[] {false, true}) {
            injector.sent.clear();
            Random r = new Random(v6 ? 2 : 3);
            byte[] payload = TestPackets.bytes(r, 10_000);
            int seq = 0xFFFFFF00;
            feed(p, Direction.OUTBOUND, tcpFrame(r, v6, payload, seq));

            int mss = v6 ? MSS6 : MSS;
            int expected = (payload.length + mss - 1) / mss;
            assertThat(injector.sent).hasSize(expected);
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            int ipId = -1;
            for (int i = 0; i < expected; i++) {
                Packet ip = TestPackets.parse(injector.sent.get(i));
                TcpPacket tcp = ip.get(TcpPacket.class);
                byte[] data = tcp.getPayload().getRawData();
                if (v6) {
                    IpV6Packet.IpV6Header h = ip.get(IpV6Packet.class).getHeader();
                    assertThat(tcp.hasValidChecksum(h.getSrcAddr(), h.getDstAddr(), false)).isTrue();
                } else {
                    IpV4Packet.IpV4Header h = ip.get(IpV4Packet.class).getHeader();
                    assertThat(h.hasValidChecksum(false)).isTrue();
                    assertThat(tcp.hasValidChecksum(h.getSrcAddr(), h.getDstAddr(), false)).isTrue();
                    assertThat(h.getTotalLengthAsInt()).isEqualTo(injector.sent.get(i).length);
                    int id = h.getIdentificationAsInt();
                    assertThat(ipId < 0 || id == ((ipId + 1) & 0xFFFF)).as("IP ids increment").isTrue();
                    ipId = id;
                }
                assertThat(tcp.getHeader().getSequenceNumber()).isEqualTo(seq + i * mss);
                assertThat(tcp.getHeader().getPsh()).isEqualTo(i == expected - 1);
                assertThat(data.length).isEqualTo(i < expected - 1 ? mss : payload.length - (expected - 1) * mss);
                joined.write(data);
            }
            assertThat(joined.toByteArray()).isEqualTo(payload);
        }
        assertThat(hook.decided).as("each segment decided on its own").isEqualTo(7 + 8);
        assertThat(counters.gso().segmented()).isEqualTo(2);
        assertThat(counters.gso().segments()).isEqualTo(15);
        assertThat(counters.gso().passedWhole()).isZero();
    }

    @Test
    void aHookThatNeedsSegmentsGetsThemAndTheTunGetsEachBehindAnEmptyHeader() {
        CountingHook hook = new CountingHook(true);
        PacketPipeline p = pipeline(hook, 1500);
        Random r = new Random(4);
        feed(p, Direction.INBOUND, tcpFrame(r, false, TestPackets.bytes(r, 5 * MSS), 1));

        assertThat(hook.asked).isEqualTo(1);
        assertThat(hook.decided).isEqualTo(5);
        assertThat(hook.largestDecided).isEqualTo(20 + 32 + MSS);
        assertThat(injector.received).hasSize(5).allSatisfy(f -> {
            assertThat(Arrays.copyOf(f, VnetHeader.SIZE)).as("GSO_NONE, no flags").isEqualTo(new byte[VnetHeader.SIZE]);
            assertThat(f.length).isEqualTo(VnetHeader.SIZE + 20 + 32 + MSS);
            Packet ip = TestPackets.parse(Arrays.copyOfRange(f, VnetHeader.SIZE, f.length));
            IpV4Packet.IpV4Header h = ip.get(IpV4Packet.class).getHeader();
            assertThat(ip.get(TcpPacket.class).hasValidChecksum(h.getSrcAddr(), h.getDstAddr(), false)).isTrue();
        });
    }

    @Test
    void segmentsLargerThanTheEgressMtuAreSegmentedAndThenFitOrRefused() {
        PacketPipeline p = pipeline(VerdictHook.PERMIT_ALL, 1280);
        Random r = new Random(5);
        feed(p, Direction.INBOUND, tcpFrame(r, false, TestPackets.bytes(r, 3 * MSS), 1));
        // 1500-byte segments with DF on a 1280 link: each one is refused (an ICMP error would go to the sender).
        assertThat(counters.gso().segmented()).isEqualTo(1);
        assertThat(counters.dropsTooBig()).isEqualTo(3);
        assertThat(injector.received).isEmpty();
    }

    @Test
    void partialChecksumsAreCompletedOnlyWhereTheHeaderCannotFollow() throws Exception {
        PacketPipeline p = pipeline(VerdictHook.PERMIT_ALL, 1500);
        Random r = new Random(6);
        byte[] full = SuperFrames.udp(r, false, TestPackets.bytes(r, 500));
        byte[] frame = SuperFrames.withHeader(partial(full, false, false), FLAG_NEEDS_CSUM, GSO_NONE, 0, 0, 20, 6);

        feed(p, Direction.INBOUND, frame);
        assertThat(injector.received).containsExactly(frame); // a TUN write keeps the offload: the kernel completes it
        feed(p, Direction.OUTBOUND, frame);
        assertThat(injector.sent).hasSize(1);
        Packet ip = TestPackets.parse(injector.sent.get(0));
        IpV4Packet.IpV4Header h = ip.get(IpV4Packet.class).getHeader();
        assertThat(ip.get(UdpPacket.class).hasValidChecksum(h.getSrcAddr(), h.getDstAddr(), false)).isTrue();
        assertThat(injector.sent.get(0)).isEqualTo(full);
        assertThat(counters.gso().checksumsCompleted()).isEqualTo(1);
    }

    @Test
    void aHookThatNeedsCompleteChecksumsGetsThemAndTheTunGetsAHeaderWithoutNeedsCsum() throws Exception {
        VerdictHook wantsComplete = new VerdictHook() {
            @Override public Verdict decide(ParsedPacket packet, Direction direction) {
                // What a callout sees: a valid checksum (pcap4j), not the pseudo-header sum the sender left.
                byte[] seen = new byte[packet.ipLength()];
                packet.buffer().getBytes(packet.networkOffset(), seen);
                try {
                    Packet ip = TestPackets.parse(seen);
                    IpV4Packet.IpV4Header h = ip.get(IpV4Packet.class).getHeader();
                    assertThat(ip.get(UdpPacket.class).hasValidChecksum(h.getSrcAddr(), h.getDstAddr(), false)).isTrue();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return Verdict.PERMIT;
            }
            @Override public boolean needsCompleteChecksums() { return true; }
        };
        PacketPipeline p = pipeline(wantsComplete, 1500);
        Random r = new Random(7);
        byte[] full = SuperFrames.udp(r, false, TestPackets.bytes(r, 700));
        byte[] frame = SuperFrames.withHeader(partial(full, false, false), FLAG_NEEDS_CSUM, GSO_NONE, 0, 0, 20, 6);

        feed(p, Direction.INBOUND, frame);
        assertThat(injector.received).hasSize(1);
        byte[] written = injector.received.get(0);
        assertThat(written[0] & FLAG_NEEDS_CSUM).as("vnet flags: the kernel has nothing left to complete").isZero();
        assertThat(java.util.Arrays.copyOfRange(written, written.length - full.length, written.length)).isEqualTo(full);
        assertThat(counters.gso().checksumsCompleted()).isEqualTo(1);
    }

    @Test
    void plainPacketsGoBackBehindAnEmptyHeaderAndFragmentsAreCopiedBehindOne() {
        PacketPipeline p = pipeline(VerdictHook.PERMIT_ALL, 1500);
        Random r = new Random(7);
        byte[] small = TestPackets.ipv4(r, TestPackets.Transport.UDP, false, 200);
        feed(p, Direction.INBOUND, SuperFrames.withHeader(small, FLAG_DATA_VALID, GSO_NONE, 0, 0, 0, 0));
        assertThat(injector.received).containsExactly(SuperFrames.withHeader(small, 0, GSO_NONE, 0, 0, 0, 0));

        injector.received.clear();
        refragmented = true;
        byte[] big = withoutDf(TestPackets.ipv4(r, TestPackets.Transport.UDP, false, 3000)); // refragmented
        feed(p, Direction.INBOUND, SuperFrames.withHeader(big, 0, GSO_NONE, 0, 0, 0, 0));
        assertThat(injector.received).hasSizeGreaterThanOrEqualTo(3).allSatisfy(f ->
                assertThat(Arrays.copyOf(f, VnetHeader.SIZE)).isEqualTo(new byte[VnetHeader.SIZE]));
        assertThat(counters.gso().headerCopies()).isEqualTo(injector.received.size());
    }

    private static byte[] withoutDf(byte[] ip) {
        byte[] p = ip.clone();
        p[6] &= ~0x40;
        p[10] = 0;
        p[11] = 0;
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = ~((sum & 0xFFFF) + (sum >>> 16)) & 0xFFFF;
        p[10] = (byte) (sum >>> 8);
        p[11] = (byte) sum;
        return p;
    }

    @Test
    void refusedFramesAreCountedByReason() {
        CountingHook hook = new CountingHook(false);
        PacketPipeline p = pipeline(hook, 1500);
        Random r = new Random(8);
        byte[] udp = partial(SuperFrames.udp(r, false, TestPackets.bytes(r, 4000)), false, false);
        feed(p, Direction.INBOUND, new byte[5]);
        feed(p, Direction.INBOUND, SuperFrames.withHeader(udp, FLAG_NEEDS_CSUM, 9, 28, 1000, 20, 6));
        feed(p, Direction.INBOUND, SuperFrames.withHeader(udp, FLAG_NEEDS_CSUM, GSO_TCPV4, 28, 1000, 20, 6));
        feed(p, Direction.INBOUND, SuperFrames.withHeader(udp, FLAG_NEEDS_CSUM, GSO_UDP_L4, 28, 0, 20, 6));
        feed(p, Direction.INBOUND, SuperFrames.withHeader(new byte[] {0x45, 0, 0}, 0, GSO_TCPV4, 0, 1000, 0, 0));

        GsoCounters g = counters.gso();
        assertThat(g.drops(GsoDropReason.VNET_HEADER_TRUNCATED)).isEqualTo(1);
        assertThat(g.drops(GsoDropReason.UNKNOWN_GSO_TYPE)).isEqualTo(1);
        assertThat(g.drops(GsoDropReason.GSO_TYPE_MISMATCH)).isEqualTo(1);
        assertThat(g.drops(GsoDropReason.GSO_SIZE_ZERO)).isEqualTo(1);
        assertThat(g.drops(GsoDropReason.MALFORMED_PACKET)).isEqualTo(1);
        assertThat(g.drops()).isEqualTo(5);
        assertThat(hook.decided).isZero();
        assertThat(injector.received).isEmpty();

        // The same UDP frame with the right type is a USO super-frame: 4 datagrams of at most 1000 bytes.
        feed(p, Direction.OUTBOUND, SuperFrames.withHeader(udp, FLAG_NEEDS_CSUM, GSO_UDP_L4, 28, 1000, 20, 6));
        assertThat(injector.sent).hasSize(4);
    }

    @Test
    void aBlockedSuperFrameIsOneDropByVerdict() {
        PacketPipeline p = pipeline((packet, d) -> Verdict.BLOCK, 1500);
        Random r = new Random(9);
        feed(p, Direction.INBOUND, tcpFrame(r, true, TestPackets.bytes(r, 30_000), 1));
        assertThat(counters.dropsByVerdict()).isEqualTo(1);
        assertThat(counters.gso().superFrames()).isEqualTo(1);
        assertThat(injector.received).isEmpty();
    }
}
