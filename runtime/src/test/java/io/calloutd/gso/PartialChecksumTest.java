package io.calloutd.gso;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.testing.packets.Bufs;
import io.calloutd.testing.packets.TestPackets;
import io.netty.buffer.ByteBuf;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * NEEDS_CSUM completion: pcap4j builds a packet with a correct checksum; the test replaces that
 * checksum with the pseudo-header sum (computed here by hand, as the kernel leaves it) and expects
 * completion to restore pcap4j's value exactly.
 */
class PartialChecksumTest {

    @ParameterizedTest(name = "{0} v6={1} payload={2} direct={3} headroom={4}")
    @CsvSource({
        "TCP,false,20000,true,0", "TCP,true,20000,false,1", "TCP,false,1,true,3", "TCP,true,0,true,0",
        "UDP,false,1473,false,7", "UDP,true,1472,true,2", "UDP,false,0,true,1", "TCP,false,999,false,5"})
    void completionEqualsPcap4j(TestPackets.Transport t, boolean v6, int payloadLength, boolean direct, int headroom) {
        for (int seed = 0; seed < 20; seed++) {
            Random r = new Random(seed * 1000L + payloadLength);
            byte[] raw = t == TestPackets.Transport.TCP
                    ? SuperFrames.tcp(r, v6, r.nextBoolean(), false, 0x18, TestPackets.bytes(r, payloadLength), r.nextInt())
                    : SuperFrames.udp(r, v6, TestPackets.bytes(r, payloadLength));
            int l4 = v6 ? 40 : (raw[0] & 0x0F) * 4;
            int field = t == TestPackets.Transport.TCP ? 16 : 6;
            int expected = ((raw[l4 + field] & 0xFF) << 8) | (raw[l4 + field + 1] & 0xFF);
            int pseudo = pseudoHeaderSum(raw, v6, t == TestPackets.Transport.TCP ? 6 : 17, raw.length - l4);
            raw[l4 + field] = (byte) (pseudo >>> 8);
            raw[l4 + field + 1] = (byte) pseudo;
            ByteBuf buf = Bufs.of(raw, direct, headroom, 0);
            try {
                assertThat(PartialChecksum.complete(buf, l4, field)).isNull();
                int got = buf.getUnsignedShort(headroom + l4 + field);
                // 0 and 0xFFFF are the same one's-complement number; the kernel stores 0xFFFF.
                assertThat(got).isEqualTo(expected == 0 ? 0xFFFF : expected);
            } finally {
                buf.release();
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"60,0,CSUM_START_OUT_OF_PACKET", "-1,0,CSUM_START_OUT_OF_PACKET", "40,19,CSUM_OFFSET_OUT_OF_PACKET",
        "58,0,", "59,0,CSUM_OFFSET_OUT_OF_PACKET", "20,17,CSUM_OFFSET_MISALIGNED", "20,-2,CSUM_OFFSET_OUT_OF_PACKET"})
    void boundsAreReasonsNotExceptions(int start, int offset, GsoDropReason reason) {
        ByteBuf buf = Bufs.of(new byte[60], false, 4, 0);
        try {
            assertThat(PartialChecksum.complete(buf, start, offset)).isEqualTo(reason);
        } finally {
            buf.release();
        }
    }

    /** Independent pseudo-header sum, uncomplemented, folded: what Linux leaves in the field. */
    static int pseudoHeaderSum(byte[] p, boolean v6, int protocol, int l4Length) {
        long s = protocol + l4Length;
        int from = v6 ? 8 : 12;
        int to = v6 ? 40 : 20;
        for (int i = from; i < to; i += 2) {
            s += ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
        }
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }
}
