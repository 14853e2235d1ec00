package io.calloutd.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.testing.packets.Bufs;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pcap4j.util.ByteArrays;

/** The region checksum against pcap4j's {@code ByteArrays.calcChecksum} at all offsets and lengths. */
class InternetChecksumTest {

    @Test
    void matchesPcap4jForOddAndEvenOffsetsAndLengths() {
        Random r = new Random(42);
        for (int i = 0; i < 4000; i++) {
            int len = i < 100 ? i : r.nextInt(r.nextBoolean() ? 64 : 9000);
            byte[] data = new byte[len];
            r.nextBytes(data);
            if (i % 7 == 0) {
                Arrays.fill(data, (byte) 0xFF); // stresses the end-around carry
            }
            int expected = ByteArrays.calcChecksum(data) & 0xFFFF;
            int headroom = r.nextInt(9);
            ByteBuf buf = Bufs.of(data, r.nextBoolean(), headroom, r.nextInt(3));
            try {
                assertThat(InternetChecksum.checksum(buf, headroom, len)).as("len %d at %d", len, headroom)
                        .isEqualTo(expected);
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void partialSumsCombine() {
        Random r = new Random(7);
        byte[] data = new byte[1001];
        r.nextBytes(data);
        ByteBuf buf = Bufs.of(data, true, 1, 0);
        try {
            int whole = InternetChecksum.sum(buf, 1, 1001);
            int split = InternetChecksum.sum(buf, 1 + 500, 501, InternetChecksum.sum(buf, 1, 500));
            assertThat(split).isEqualTo(whole);
            assertThat(InternetChecksum.add(InternetChecksum.sum(buf, 1, 500), InternetChecksum.sum(buf, 501, 501)))
                    .isEqualTo(whole);
        } finally {
            buf.release();
        }
    }

    @Test
    void foldAndWordHelpers() {
        assertThat(InternetChecksum.fold(0x1FFFEL)).isEqualTo(0xFFFF);
        assertThat(InternetChecksum.fold(0)).isZero();
        assertThat(InternetChecksum.sumOf32(0xFFFF0001)).isEqualTo(1);
        assertThat(InternetChecksum.sumOf128(0x0001000200030004L, 0x0005000600070008L)).isEqualTo(36);
        // RFC 1071 §3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2.
        byte[] ex = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        ByteBuf buf = Bufs.of(ex, false);
        try {
            assertThat(InternetChecksum.sum(buf, 0, 8)).isEqualTo(0xddf2);
        } finally {
            buf.release();
        }
    }
}
