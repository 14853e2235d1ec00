package io.calloutd.fragment;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.nio.ByteBuffer;

/**
 * Builds well-formed UDP datagrams from fuzz input for {@link FragmenterRoundTripFuzzTest}: IPv4 with a fuzzed
 * mix of options (copy flag on or off), IPv6 with a fuzzed chain of hop-by-hop, destination-options and routing
 * headers. Also says how many header bytes every fragment repeats, the fragmenter's room calculation.
 */
final class FuzzedDatagrams {
    private FuzzedDatagrams() {}

    /** A datagram and the bytes of header each of its fragments must carry (the largest, first or later). */
    record Datagram(byte[] bytes, int repeatedHeaderBytes) {}

    static Datagram v4(FuzzedDataProvider in) {
        byte[] options = new byte[40];
        int used = 0;
        int copied = 0;
        while (used < 40) {
            int kind = in.consumeInt(0, 2);
            if (kind == 2) {
                break; // end of list: the rest stays zero (EOL)
            }
            if (kind == 0) {
                options[used++] = 1; // NOP
                continue;
            }
            int room = 40 - used;
            if (room < 2) {
                break;
            }
            boolean copy = in.consumeBoolean();
            int length = in.consumeInt(2, Math.min(room, 12));
            options[used] = (byte) ((copy ? 0x80 : 0) | in.consumeInt(0, 3) << 5 | in.consumeInt(2, 31));
            options[used + 1] = (byte) length;
            for (int i = 2; i < length; i++) {
                options[used + i] = in.consumeByte();
            }
            used += length;
            copied += copy ? length : 0;
        }
        int ihl = 20 + ((used + 3) & ~3);
        int payload = 8 + in.consumeInt(0, 6000);
        int total = ihl + payload;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) (0x40 | ihl / 4)).put(in.consumeByte()).putShort((short) total).putShort(in.consumeShort())
                .putShort((short) 0).put((byte) in.consumeInt(1, 255)).put((byte) 17).putShort((short) 0)
                .putInt(0xc6120000 | in.consumeInt(0, 0xffff)).putInt(0xc6130000 | in.consumeInt(0, 0xffff));
        b.put(options, 0, ihl - 20);
        fillUdp(b, payload, in);
        byte[] bytes = b.array();
        int sum = 0;
        for (int i = 0; i < ihl; i += 2) {
            sum += ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        bytes[10] = (byte) (~sum >> 8);
        bytes[11] = (byte) ~sum;
        return new Datagram(bytes, Math.max(ihl, 20 + ((copied + 3) & ~3)));
    }

    static Datagram v6(FuzzedDataProvider in) {
        boolean hopByHop = in.consumeBoolean();
        boolean routing = in.consumeBoolean();
        boolean destBeforeRouting = routing && in.consumeBoolean();
        boolean destAfter = in.consumeBoolean();
        int routingLength = in.consumeBoolean() ? 8 : 24;
        int chain = (hopByHop ? 8 : 0) + (destBeforeRouting ? 8 : 0) + (routing ? routingLength : 0) + (destAfter ? 8 : 0);
        int payload = 8 + in.consumeInt(0, 20_000);
        ByteBuffer b = ByteBuffer.allocate(40 + chain + payload);
        int first = hopByHop ? 0 : destBeforeRouting ? 60 : routing ? 43 : destAfter ? 60 : 17;
        b.putInt(0x60000000 | in.consumeInt(0, 0x0fffffff)).putShort((short) (chain + payload)).put((byte) first)
                .put((byte) in.consumeInt(1, 255));
        b.putLong(0xfd00000000000000L).putLong(in.consumeLong()).putLong(0xfd00000000000001L).putLong(in.consumeLong());
        if (hopByHop) {
            padOptions(b, destBeforeRouting ? 60 : routing ? 43 : destAfter ? 60 : 17);
        }
        if (destBeforeRouting) {
            padOptions(b, 43);
        }
        if (routing) {
            // Routing type 253 (experimental) with segments left 0: carried as is.
            b.put((byte) (destAfter ? 60 : 17)).put((byte) (routingLength / 8 - 1)).put((byte) 253).put((byte) 0)
                    .put(new byte[routingLength - 4]);
        }
        if (destAfter) {
            padOptions(b, 17);
        }
        fillUdp(b, payload, in);
        int unfragmentable = 40 + (hopByHop ? 8 : 0) + (routing ? (destBeforeRouting ? 8 : 0) + routingLength : 0);
        return new Datagram(b.array(), unfragmentable);
    }

    /** An 8-byte options header holding one PadN option. */
    private static void padOptions(ByteBuffer b, int next) {
        b.put((byte) next).put((byte) 0).put((byte) 1).put((byte) 4).putInt(0);
    }

    private static void fillUdp(ByteBuffer b, int length, FuzzedDataProvider in) {
        b.putShort(in.consumeShort()).putShort(in.consumeShort()).putShort((short) length).putShort(in.consumeShort());
        byte[] data = new byte[length - 8];
        long seed = in.consumeLong();
        for (int i = 0; i < data.length; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            data[i] = (byte) (seed >>> 56);
        }
        b.put(data);
    }
}
