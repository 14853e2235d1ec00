package io.calloutd.packet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.calloutd.testing.packets.Bufs;
import io.netty.buffer.ByteBuf;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Jazzer target: the parser never throws and accepted packets stay inside the buffer. In plain
 * JUnit runs it replays the seeds under {@code PacketParserFuzzTestInputs/}; run with
 * {@code JAZZER_FUZZ=1} to fuzz.
 */
class PacketParserFuzzTest {
    private static final PacketParser VERIFYING = new PacketParser(true);
    private static final PacketParser LENIENT = new PacketParser(false);
    private final ParsedPacket p = new ParsedPacket();

    @FuzzTest(maxDuration = "30s")
    void parserNeverThrowsAndStaysInBounds(byte[] data) {
        for (boolean direct : new boolean[] {false, true}) {
            ByteBuf buf = Bufs.of(data, direct, direct ? 1 : 0, 0);
            try {
                ParsedPacketInvariants.check(buf, VERIFYING.parse(buf, p), p);
                ParsedPacketInvariants.check(buf, LENIENT.parse(buf, p), p);
            } finally {
                buf.release();
            }
        }
    }

    /** The seeds are valid packets, so the replay exercises the accepting paths too. */
    @ParameterizedTest
    @ValueSource(strings = {"ipv4_tcp_options", "ipv4_udp", "ipv4_icmp", "ipv4_fragment", "ipv6_chain_icmpv6",
        "ipv6_nonfirst_fragment", "ipv6_tcp"})
    void seedsAreValidPackets(String name) throws Exception {
        byte[] data;
        try (InputStream in = getClass().getResourceAsStream(
                "PacketParserFuzzTestInputs/parserNeverThrowsAndStaysInBounds/" + name)) {
            data = in.readAllBytes();
        }
        ByteBuf buf = Bufs.of(data, true);
        try {
            assertThat(VERIFYING.parse(buf, p)).isNull();
        } finally {
            buf.release();
        }
    }
}
