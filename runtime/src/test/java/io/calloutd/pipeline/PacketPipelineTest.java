package io.calloutd.pipeline;

import io.calloutd.engine.Verdict;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.fragment.ReassemblyConfig;
import io.calloutd.inject.InjectionPath;
import io.calloutd.inject.InjectionResult;
import io.calloutd.inject.PacketInjector;
import io.calloutd.nativebridge.PacketReceiver;
import io.calloutd.nativebridge.TunQueue;
import io.calloutd.packet.DropCounters;
import io.calloutd.packet.DropReason;
import io.calloutd.testkit.RecordingInjector;
import io.calloutd.testing.packets.TestPackets;
import io.calloutd.testing.packets.TestPackets.Ext;
import io.calloutd.testing.packets.TestPackets.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pipeline's accounting: every packet ends reinjected (byte-identical, on the path of its direction) or
 * as a drop counted under its exact reason; no exception reaches the reader loop; buffers are released
 * (the leak detector runs at paranoid level).
 */
class PacketPipelineTest {
    private final RecordingInjector injector = new RecordingInjector();
    private final DropCounters drops = new DropCounters();
    private final PipelineCounters counters = new PipelineCounters();
    private static final Map<Direction, Egress> EGRESS = Map.of(
            Direction.OUTBOUND, new Egress(InjectionPath.SEND, 1500, null, null),
            Direction.INBOUND, new Egress(InjectionPath.RECEIVE, 1500, null, null));
    private final PacketPipeline pipeline = new PacketPipeline(VerdictHook.PERMIT_ALL, injector, drops, counters,
            EGRESS, ReassemblyConfig.DEFAULTS, PooledByteBufAllocator.DEFAULT);

    private static ByteBuf pooled(byte[] bytes) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length + 16);
        b.writeBytes(bytes);
        return b;
    }

    @Test
    void wellFormedPacketsAreReinjectedByteIdenticalOnTheirDirectionsPath() {
        Random r = new Random(7);
        byte[] tcp4 = TestPackets.ipv4(r, Transport.TCP, true, 100);
        byte[] udp6 = TestPackets.ipv6(r, Transport.UDP, List.of(Ext.HOP_BY_HOP, Ext.DESTINATION_OPTIONS), 50);
        pipeline.receiverFor(Direction.OUTBOUND).onPacket(null, pooled(tcp4));
        pipeline.receiverFor(Direction.INBOUND).onPacket(null, pooled(udp6));

        assertThat(injector.sent()).containsExactly(tcp4);
        assertThat(injector.received()).containsExactly(udp6);
        assertThat(counters.packetsIn()).isEqualTo(2);
        assertThat(counters.packetsOut()).isEqualTo(2);
        assertThat(counters.reinjectedSendPath()).isEqualTo(1);
        assertThat(counters.reinjectedReceivePath()).isEqualTo(1);
        assertThat(counters.bytesOut()).isEqualTo(tcp4.length + udp6.length);
    }

    @Test
    void trailingPaddingBeyondTheIpLengthIsNotReinjected() {
        byte[] icmp = TestPackets.ipv4(new Random(3), Transport.ICMP_ECHO, false, 20);
        ByteBuf b = pooled(icmp);
        b.writeZero(6); // Ethernet-style padding
        pipeline.receiverFor(Direction.INBOUND).onPacket(null, b);
        assertThat(injector.received()).containsExactly(icmp);
    }

    static Stream<Arguments> malformed() {
        Random r = new Random(11);
        byte[] tcp4 = TestPackets.ipv4(r, Transport.TCP, false, 40);
        byte[] udp4 = TestPackets.ipv4(r, Transport.UDP, false, 40);
        byte[] v6 = TestPackets.ipv6(r, Transport.UDP, List.of(Ext.HOP_BY_HOP), 40);
        byte[] badVersion = tcp4.clone();
        badVersion[0] = (byte) (0x50 | (badVersion[0] & 0x0f));
        byte[] badIhl = tcp4.clone();
        badIhl[0] = 0x44;
        byte[] totalTooLong = tcp4.clone();
        totalTooLong[2] = (byte) 0x7f;
        byte[] totalTooShort = tcp4.clone();
        totalTooShort[2] = 0;
        totalTooShort[3] = 19;
        byte[] tcpBadOffset = tcp4.clone();
        tcpBadOffset[20 + 12] = 0x40; // data offset 4 words < 5
        byte[] udpBadLength = udp4.clone();
        udpBadLength[20 + 4] = (byte) 0xff;
        byte[] v6PayloadTooLong = v6.clone();
        v6PayloadTooLong[4] = (byte) 0x7f;
        byte[] v6BadChain = v6.clone();
        v6BadChain[40 + 1] = (byte) 0xff; // hop-by-hop length runs past the packet
        return Stream.of(
                Arguments.of("empty", new byte[0], DropReason.EMPTY),
                Arguments.of("version 5", badVersion, DropReason.BAD_IP_VERSION),
                Arguments.of("IHL 4", badIhl, DropReason.IPV4_BAD_IHL),
                Arguments.of("truncated IPv4 header", java.util.Arrays.copyOf(tcp4, 12), DropReason.IPV4_TRUNCATED_HEADER),
                Arguments.of("total length > buffer", totalTooLong, DropReason.IPV4_TOTAL_LENGTH_EXCEEDS_BUFFER),
                Arguments.of("total length < header", totalTooShort, DropReason.IPV4_TOTAL_LENGTH_TOO_SHORT),
                Arguments.of("TCP data offset 4", tcpBadOffset, DropReason.TCP_BAD_DATA_OFFSET),
                Arguments.of("UDP length > IP payload", udpBadLength, DropReason.UDP_BAD_LENGTH),
                Arguments.of("truncated IPv6 header", java.util.Arrays.copyOf(v6, 30), DropReason.IPV6_TRUNCATED_HEADER),
                Arguments.of("IPv6 payload length > buffer", v6PayloadTooLong, DropReason.IPV6_PAYLOAD_LENGTH_EXCEEDS_BUFFER),
                Arguments.of("IPv6 extension past the end", v6BadChain, DropReason.IPV6_EXTENSION_TRUNCATED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedPacketsAreDroppedWithTheirReasonAndNothingEscapes(String name, byte[] packet, DropReason reason) {
        PacketReceiver receiver = pipeline.receiverFor(Direction.OUTBOUND);
        receiver.onPacket(null, pooled(packet));

        assertThat(drops.get(reason)).as(name).isEqualTo(1);
        assertThat(drops.total()).isEqualTo(1);
        assertThat(counters.dropsMalformed()).isEqualTo(1);
        assertThat(injector.sent()).isEmpty();
        assertThat(counters.unaccounted()).isZero();
    }

    @Test
    void aKernelRefusalIsCountedNotThrown() {
        injector.result(InjectionResult.REFUSED);
        pipeline.receiverFor(Direction.OUTBOUND).onPacket(null, pooled(TestPackets.ipv4(new Random(1), Transport.UDP, false, 8)));
        assertThat(counters.dropsInjectionFailed()).isEqualTo(1);
        assertThat(counters.packetsOut()).isZero();
    }

    @Test
    void aBlockVerdictIsCounted() {
        PacketPipeline blocking = new PacketPipeline((p, d) -> Verdict.BLOCK, injector, drops, counters,
                EGRESS, ReassemblyConfig.DEFAULTS, PooledByteBufAllocator.DEFAULT);
        blocking.receiverFor(Direction.INBOUND).onPacket(null, pooled(TestPackets.ipv4(new Random(2), Transport.TCP, false, 8)));
        assertThat(counters.dropsByVerdict()).isEqualTo(1);
        assertThat(injector.received()).isEmpty();
    }
}
