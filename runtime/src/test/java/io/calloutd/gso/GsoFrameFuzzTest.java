package io.calloutd.gso;

import io.calloutd.testing.fragments.TrackingAllocator;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.calloutd.nativebridge.VirtioNetHeader;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Jazzer target for {@link GsoFrame}: a real TCP/UDP super-frame (pcap4j-built) behind a virtio_net_hdr whose
 * fields are fuzzed, with a few fuzzed byte overwrites anywhere in the frame. Nothing may throw; when
 * segmentation succeeds every segment must be a complete packet that an independent re-parse with checksum
 * verification accepts, carry at most gso_size payload bytes, and the payloads must add up to the super-frame's;
 * every buffer is released. Replays its seeds in plain JUnit runs; scripts/fuzz.sh fuzzes it.
 */
class GsoFrameFuzzTest {
    private static final int[] TYPES = {VirtioNetHeader.GSO_NONE, VirtioNetHeader.GSO_TCPV4, VirtioNetHeader.GSO_TCPV6,
        VirtioNetHeader.GSO_UDP_L4, VirtioNetHeader.GSO_UDP, 2, VirtioNetHeader.GSO_ECN | VirtioNetHeader.GSO_TCPV4};
    private final PacketParser verifying = new PacketParser(true);
    private final ParsedPacket original = new ParsedPacket();
    private final ParsedPacket segment = new ParsedPacket();

    @FuzzTest(maxDuration = "30s")
    void gsoFrameNeverThrowsAndSegmentsStayInBounds(FuzzedDataProvider in) {
        Random r = new Random(in.consumeLong());
        boolean v6 = in.consumeBoolean();
        boolean udp = in.consumeBoolean();
        byte[] payload = new byte[in.consumeInt(0, 9000)];
        r.nextBytes(payload);
        byte[] packet = udp ? SuperFrames.udp(r, v6, payload)
                : SuperFrames.tcp(r, v6, in.consumeBoolean(), v6 && in.consumeBoolean(), in.consumeInt(0, 255), payload, r.nextInt());
        byte[] frame;
        if (in.consumeBoolean()) {
            // What the kernel hands over: matching type, NEEDS_CSUM at the transport checksum, real header length.
            ByteBuf p = io.netty.buffer.Unpooled.wrappedBuffer(packet);
            assertThat(new PacketParser(false).parse(p, original)).isNull();
            int type = udp ? VirtioNetHeader.GSO_UDP_L4 : v6 ? VirtioNetHeader.GSO_TCPV6 : VirtioNetHeader.GSO_TCPV4;
            frame = SuperFrames.withHeader(packet, VirtioNetHeader.FLAG_NEEDS_CSUM, type,
                    original.transportOffset() + original.transportHeaderLength(), in.consumeInt(1, 2000),
                    original.transportOffset(), udp ? 6 : 16);
        } else {
            frame = SuperFrames.withHeader(packet, in.consumeInt(0, 3), TYPES[in.consumeInt(0, TYPES.length - 1)],
                    in.consumeInt(0, 200), in.consumeInt(0, 3000), in.consumeInt(0, 120), in.consumeInt(0, 20));
        }
        for (int i = in.consumeInt(0, 3); i > 0; i--) {
            frame[in.consumeInt(0, frame.length - 1)] = in.consumeByte();
        }
        TrackingAllocator alloc = TrackingAllocator.untracked();
        GsoFrame gso = new GsoFrame(alloc, VnetHeader.SIZE);
        ByteBuf buf = alloc.directBuffer(frame.length + 3).writeZero(3).writeBytes(frame).skipBytes(3);
        List<ByteBuf> segments = new ArrayList<>();
        try {
            switch (gso.wrap(buf)) {
                case INVALID -> assertThat(gso.dropReason()).isNotNull();
                case PLAIN -> assertThat(gso.stripHeader().readerIndex()).isEqualTo(3 + VnetHeader.SIZE);
                case NEEDS_CHECKSUM -> {
                    gso.completeChecksum();
                    assertThat(gso.stripHeader().readableBytes()).isEqualTo(packet.length);
                }
                case GSO -> {
                    int gsoSize = gso.gsoSize();
                    GsoDropReason reason = gso.segment((s, index, count) -> segments.add(s));
                    if (reason == null) {
                        checkSegments(gso, gsoSize, segments);
                    } else {
                        assertThat(gso.dropReason()).isEqualTo(reason);
                    }
                }
            }
            assertThat(buf.readerIndex()).isBetween(3, 3 + VnetHeader.SIZE);
        } finally {
            buf.release();
            segments.forEach(ByteBuf::release);
        }
        alloc.assertAllReleasedExcept(0);
    }

    private void checkSegments(GsoFrame gso, int gsoSize, List<ByteBuf> segments) {
        ByteBuf whole = gso.stripHeader();
        assertThat(verifying.parse(whole, original) == null || new PacketParser(false).parse(whole, original) == null)
                .as("a frame that segmented parses").isTrue();
        assertThat(segments).isNotEmpty();
        long payloadSum = 0;
        for (ByteBuf s : segments) {
            assertThat(verifying.parse(s, segment)).as("segment parses with valid checksums").isNull();
            assertThat(segment.payloadLength()).isBetween(0, gsoSize);
            payloadSum += segment.payloadLength();
        }
        assertThat(payloadSum).isEqualTo(original.payloadLength());
        gso.restoreHeader();
    }
}
