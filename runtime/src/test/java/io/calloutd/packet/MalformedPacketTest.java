package io.calloutd.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.checksum.Ipv4Checksums;
import io.calloutd.testing.packets.Bufs;
import io.calloutd.testing.packets.TestPackets;
import io.calloutd.testing.packets.TestPackets.Ext;
import io.calloutd.testing.packets.TestPackets.Transport;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each way of breaking a valid packet yields exactly one named drop reason and no exception. */
class MalformedPacketTest {

    private static byte[] v4(Transport t, boolean options) {
        return TestPackets.ipv4(new Random(11), t, options, 20);
    }

    private static byte[] v6(Transport t, Ext... chain) {
        return TestPackets.ipv6(new Random(12), t, List.of(chain), 20);
    }

    /** Edits a copy and, for IPv4, recomputes the header checksum so only the intended fault remains. */
    private static byte[] edit(byte[] raw, UnaryOperator<byte[]> f) {
        byte[] b = f.apply(Arrays.copyOf(raw, raw.length));
        if (b.length >= 20 && (b[0] & 0xF0) == 0x40 && (b[0] & 0x0F) >= 5 && (b[0] & 0x0F) * 4 <= b.length) {
            ByteBuf tmp = Bufs.of(b, false);
            Ipv4Checksums.write(tmp, 0);
            tmp.getBytes(0, b);
            tmp.release();
        }
        return b;
    }

    private static byte[] set(byte[] b, int index, int value) {
        b[index] = (byte) value;
        return b;
    }

    private static byte[] set16(byte[] b, int index, int value) {
        b[index] = (byte) (value >>> 8);
        b[index + 1] = (byte) value;
        return b;
    }

    static Stream<Arguments> cases() {
        byte[] tcp4 = v4(Transport.TCP, false);
        byte[] tcp4opt = v4(Transport.TCP, true);
        int ihl4opt = (tcp4opt[0] & 0x0F) * 4;
        byte[] udp4 = v4(Transport.UDP, false);
        byte[] icmp4 = v4(Transport.ICMP_ECHO, false);
        byte[] tcp6 = v6(Transport.TCP);
        byte[] udp6 = v6(Transport.UDP, Ext.HOP_BY_HOP);
        byte[] icmp6 = v6(Transport.ICMP_ECHO);
        byte[] chain6 = v6(Transport.TCP, Ext.HOP_BY_HOP, Ext.ROUTING, Ext.DESTINATION_OPTIONS);
        List<Arguments> a = new ArrayList<>();
        a.add(Arguments.of("empty", new byte[0], DropReason.EMPTY));
        a.add(Arguments.of("version 0", edit(tcp4, b -> set(b, 0, 0x05)), DropReason.BAD_IP_VERSION));
        a.add(Arguments.of("version 5", edit(tcp4, b -> set(b, 0, 0x55)), DropReason.BAD_IP_VERSION));
        a.add(Arguments.of("one byte v4", new byte[] {0x45}, DropReason.IPV4_TRUNCATED_HEADER));
        a.add(Arguments.of("19 bytes v4", Arrays.copyOf(tcp4, 19), DropReason.IPV4_TRUNCATED_HEADER));
        a.add(Arguments.of("ihl 4", edit(tcp4, b -> set(b, 0, 0x44)), DropReason.IPV4_BAD_IHL));
        a.add(Arguments.of("ihl 0", edit(tcp4, b -> set(b, 0, 0x40)), DropReason.IPV4_BAD_IHL));
        a.add(Arguments.of("ihl beyond buffer", Arrays.copyOf(tcp4opt, ihl4opt - 1), DropReason.IPV4_TRUNCATED_HEADER));
        a.add(Arguments.of("ihl 15 > buffer", edit(udp4, b -> set(b, 0, 0x4F)), DropReason.IPV4_TRUNCATED_HEADER));
        a.add(Arguments.of("total length < ihl", edit(tcp4opt, b -> set16(b, 2, 20)), DropReason.IPV4_TOTAL_LENGTH_TOO_SHORT));
        a.add(Arguments.of("total length 0", edit(tcp4, b -> set16(b, 2, 0)), DropReason.IPV4_TOTAL_LENGTH_TOO_SHORT));
        a.add(Arguments.of("total length > buffer", edit(tcp4, b -> set16(b, 2, b.length + 1)), DropReason.IPV4_TOTAL_LENGTH_EXCEEDS_BUFFER));
        a.add(Arguments.of("truncated v4 packet", Arrays.copyOf(tcp4, tcp4.length - 1), DropReason.IPV4_TOTAL_LENGTH_EXCEEDS_BUFFER));
        a.add(Arguments.of("bad v4 header checksum", set(Arrays.copyOf(tcp4, tcp4.length), 10, tcp4[10] ^ 1), DropReason.IPV4_BAD_HEADER_CHECKSUM));
        a.add(Arguments.of("tcp truncated (19)", edit(tcp4, b -> set16(b, 2, 20 + 19)), DropReason.TCP_TRUNCATED));
        a.add(Arguments.of("tcp data offset 4", edit(tcp4, b -> set(b, 32, 0x40)), DropReason.TCP_BAD_DATA_OFFSET));
        a.add(Arguments.of("tcp data offset 0", edit(tcp4, b -> set(b, 32, 0x00)), DropReason.TCP_BAD_DATA_OFFSET));
        a.add(Arguments.of("tcp data offset beyond segment", edit(tcp4, b -> set(b, 32, 0xF0)), DropReason.TCP_BAD_DATA_OFFSET));
        a.add(Arguments.of("udp truncated", edit(udp4, b -> set16(b, 2, 27)), DropReason.UDP_TRUNCATED));
        a.add(Arguments.of("udp length 7", edit(udp4, b -> set16(b, 24, 7)), DropReason.UDP_BAD_LENGTH));
        a.add(Arguments.of("udp length > payload", edit(udp4, b -> set16(b, 24, b.length - 19)), DropReason.UDP_BAD_LENGTH));
        a.add(Arguments.of("udp6 length > payload", set16(udp6.clone(), 48 + 4, udp6.length), DropReason.UDP_BAD_LENGTH));
        a.add(Arguments.of("icmp truncated", edit(icmp4, b -> set16(b, 2, 27)), DropReason.ICMP_TRUNCATED));
        a.add(Arguments.of("icmpv6 truncated", set16(Arrays.copyOf(icmp6, 47), 4, 7), DropReason.ICMPV6_TRUNCATED));
        a.add(Arguments.of("39 bytes v6", Arrays.copyOf(tcp6, 39), DropReason.IPV6_TRUNCATED_HEADER));
        a.add(Arguments.of("v6 payload length > buffer", set16(tcp6.clone(), 4, tcp6.length - 39), DropReason.IPV6_PAYLOAD_LENGTH_EXCEEDS_BUFFER));
        a.add(Arguments.of("v6 truncated packet", Arrays.copyOf(tcp6, tcp6.length - 1), DropReason.IPV6_PAYLOAD_LENGTH_EXCEEDS_BUFFER));
        a.add(Arguments.of("v6 jumbogram", set16(udp6.clone(), 4, 0), DropReason.IPV6_JUMBOGRAM_UNSUPPORTED));
        a.add(Arguments.of("v6 tcp truncated", set16(Arrays.copyOf(tcp6, 40 + 19), 4, 19), DropReason.TCP_TRUNCATED));
        // Hop-by-Hop after Routing: rewrite routing's next header (dst opts) to HBH.
        int rt = 40 + ((chain6[41] & 0xFF) + 1) * 8;
        a.add(Arguments.of("v6 hop-by-hop not first", set(chain6.clone(), rt, 0), DropReason.IPV6_BAD_EXTENSION_CHAIN));
        a.add(Arguments.of("v6 ext header beyond payload", set(chain6.clone(), rt + 1, 200), DropReason.IPV6_EXTENSION_TRUNCATED));
        a.add(Arguments.of("v6 ext chain cut at header", set16(Arrays.copyOf(chain6, rt + 1), 4, rt + 1 - 40), DropReason.IPV6_EXTENSION_TRUNCATED));
        a.add(Arguments.of("v6 too many extensions", manyExtensions(17, 0), DropReason.IPV6_TOO_MANY_EXTENSIONS));
        a.add(Arguments.of("v6 extension chain too long", manyExtensions(3, 255), DropReason.IPV6_EXTENSION_CHAIN_TOO_LONG));
        a.add(Arguments.of("v6 two fragment headers", twoFragmentHeaders(), DropReason.IPV6_BAD_EXTENSION_CHAIN));
        return a.stream();
    }

    /** IPv6 with {@code n} Destination Options headers of (len+1)*8 bytes each, then No Next Header. */
    static byte[] manyExtensions(int n, int len) {
        int each = (len + 1) * 8;
        byte[] b = new byte[40 + n * each];
        b[0] = 0x60;
        set16(b, 4, n * each);
        b[6] = 60;
        for (int i = 0; i < n; i++) {
            int at = 40 + i * each;
            b[at] = (byte) (i == n - 1 ? 59 : 60);
            b[at + 1] = (byte) len;
            // PadN filling the header body so the options are well-formed.
            b[at + 2] = 1;
            b[at + 3] = (byte) (each - 4);
        }
        return b;
    }

    static byte[] twoFragmentHeaders() {
        byte[] b = new byte[40 + 16 + 8];
        b[0] = 0x60;
        set16(b, 4, 24);
        b[6] = 44;
        b[40] = 44;
        b[48] = 17;
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void dropsWithExactReason(String name, byte[] raw, DropReason expected) {
        PacketParser parser = new PacketParser();
        ParsedPacket p = new ParsedPacket();
        for (boolean direct : new boolean[] {false, true}) {
            for (int headroom : new int[] {0, 3}) {
                ByteBuf buf = Bufs.of(raw, direct, headroom, 0);
                try {
                    assertThat(parser.parse(buf, p)).isEqualTo(expected);
                    assertThat(p.ipVersion()).isZero();
                } finally {
                    buf.release();
                }
            }
        }
    }

    @Test
    void trailingBytesBeyondIpLengthAreTrimmedNotDropped() {
        byte[] raw = v4(Transport.UDP, false);
        ByteBuf buf = Bufs.of(raw, true, 0, 100);
        try {
            ParsedPacket p = new ParsedPacket();
            assertThat(new PacketParser().parse(buf, p)).isNull();
            assertThat(p.ipLength()).isEqualTo(raw.length);
            assertThat(p.trailingBytes()).isEqualTo(100);
            assertThat(p.payloadOffset() + p.payloadLength()).isEqualTo(raw.length);
        } finally {
            buf.release();
        }
    }

    @Test
    void udpLengthShorterThanIpPayloadIsTrimmed() {
        byte[] raw = edit(v4(Transport.UDP, false), b -> set16(b, 24, 10));
        ByteBuf buf = Bufs.of(raw, false);
        try {
            ParsedPacket p = new ParsedPacket();
            assertThat(new PacketParser().parse(buf, p)).isNull();
            assertThat(p.transportLength()).isEqualTo(10);
            assertThat(p.payloadLength()).isEqualTo(2);
        } finally {
            buf.release();
        }
    }

    @Test
    void badHeaderChecksumAcceptedWhenNotVerifying() {
        byte[] raw = v4(Transport.TCP, false);
        raw[10] ^= 1;
        ByteBuf buf = Bufs.of(raw, false);
        try {
            assertThat(new PacketParser(false).parse(buf, new ParsedPacket())).isNull();
        } finally {
            buf.release();
        }
    }

    @Test
    void espAndNoNextHeaderEndTheChain() {
        byte[] b = manyExtensions(2, 0);
        b[48] = 50; // second header says ESP follows... but it is the last: make the first say ESP
        b[40] = 50;
        ByteBuf buf = Bufs.of(b, false);
        try {
            ParsedPacket p = new ParsedPacket();
            assertThat(new PacketParser().parse(buf, p)).isNull();
            assertThat(p.transportProtocol()).isEqualTo(IpProtocols.ESP);
            assertThat(p.transportOffset()).isEqualTo(48);
            assertThat(p.hasTransportHeader()).isFalse();
            assertThat(p.payloadLength()).isEqualTo(8);
            assertThat(p.networkHeaderLength()).isEqualTo(48);
        } finally {
            buf.release();
        }
    }
}
