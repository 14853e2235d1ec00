package io.calloutd.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.testing.packets.Bufs;
import io.calloutd.testing.packets.TestPackets;
import io.calloutd.testing.packets.TestPackets.Ext;
import io.calloutd.testing.packets.TestPackets.Transport;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing that runs in every build: valid packets with bit flips, byte
 * overwrites, truncation and random bytes never make the parser throw or step outside the buffer.
 */
class PacketParserMutationTest {

    @Test
    void mutatedPacketsNeverThrow() {
        Random r = new Random(20261121);
        List<byte[]> seeds = new ArrayList<>();
        for (Transport t : Transport.values()) {
            seeds.add(TestPackets.ipv4(r, t, true, 40));
            seeds.add(TestPackets.ipv4(r, t, false, 40, 0, true));
            seeds.add(TestPackets.ipv6(r, t, List.of(Ext.HOP_BY_HOP, Ext.ROUTING, Ext.FRAGMENT, Ext.DESTINATION_OPTIONS), 40));
            seeds.add(TestPackets.ipv6(r, t, List.of(Ext.DESTINATION_OPTIONS, Ext.FRAGMENT), 40, 0, true));
        }
        PacketParser parser = new PacketParser(false);
        ParsedPacket p = new ParsedPacket();
        int accepted = 0;
        int dropped = 0;
        for (int i = 0; i < 30000; i++) {
            byte[] b = seeds.get(r.nextInt(seeds.size())).clone();
            int mutations = 1 + r.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                switch (r.nextInt(4)) {
                    case 0:
                        b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                        break;
                    case 1: // header fields live in the first ~120 bytes
                        b[r.nextInt(Math.min(b.length, 120))] = (byte) r.nextInt(256);
                        break;
                    case 2:
                        b = Arrays.copyOf(b, r.nextInt(b.length + 1));
                        break;
                    default:
                        if (b.length > 0) {
                            b[0] = (byte) ((r.nextBoolean() ? 0x40 : 0x60) | (b[0] & 0x0F));
                        }
                }
                if (b.length == 0) {
                    break;
                }
            }
            if (i % 10 == 0) {
                b = TestPackets.bytes(r, r.nextInt(100));
            }
            ByteBuf buf = Bufs.of(b, r.nextBoolean(), r.nextInt(3), r.nextInt(3) == 0 ? r.nextInt(20) : 0);
            try {
                DropReason reason = parser.parse(buf, p);
                ParsedPacketInvariants.check(buf, reason, p);
                if (reason == null) {
                    accepted++;
                } else {
                    dropped++;
                }
            } finally {
                buf.release();
            }
        }
        // Both outcomes must be exercised for the run to mean anything.
        assertThat(accepted).isGreaterThan(2500);
        assertThat(dropped).isGreaterThan(2500);
    }
}
