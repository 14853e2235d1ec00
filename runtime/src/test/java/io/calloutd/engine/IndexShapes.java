package io.calloutd.engine;

import java.util.Random;

/**
 * Random conditions and packets aimed at the index shapes (M-24): prefixes of every length (/0../32, /0../128),
 * non-contiguous masks, single values and ranges with edge bounds (0, max, ±1), &lt; &le; &gt; &ge;, NOT_EQUAL,
 * IP_LENGTH ranges (scored against the [0, 1500] domain, so they compete with port ranges for the index),
 * EMPTY values, and ORs of several conditions on one field. Values are drawn near a few anchors so that packets
 * fall on both sides of every bound.
 */
final class IndexShapes implements IndexPropertyTest.Generator {
    private static final int[] PORTS = {0, 1, 53, 80, 255, 256, 443, 1023, 1024, 8080, 65534, 65535};
    private static final int[] PROTOS = {0, 1, 6, 17, 254, 255};
    /** IP lengths around the [0, 1500] domain the index scores length ranges against, and beyond it. */
    private static final int[] LENGTHS = {0, 40, 576, 1500, 1501, 9000, 65535};
    private static final int[] V4 = {0, 0xC6120001, 0xC6120100, 0xC6130002, 0x0A000001, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF};
    private static final long[] V6HI = {0, 0xFD00_0000_0000_0001L, 0xFD00_0000_0000_0002L, -1L};
    private static final long[] V6LO = {0, 1L, 0x8000_0000_0000_0000L, -1L};
    private static final Field[] FIELDS = {Field.IP_PROTOCOL, Field.IP_REMOTE_PORT, Field.IP_LOCAL_PORT,
            Field.IP_REMOTE_ADDRESS, Field.IP_LOCAL_ADDRESS, Field.FLAGS, Field.IP_LENGTH};

    @Override public Condition condition(Random rnd, Layer layer) {
        return conditionOn(rnd, layer, FIELDS[rnd.nextInt(FIELDS.length)]);
    }

    @Override public Condition conditionOn(Random rnd, Layer layer, Field f) {
        if (rnd.nextInt(15) == 0) return Condition.of(f, rnd.nextBoolean() ? MatchType.EQUAL : MatchType.NOT_EQUAL, Value.empty());
        switch (f) {
            case IP_PROTOCOL: return integer(rnd, f, 255, near(rnd, PROTOS[rnd.nextInt(PROTOS.length)], 255));
            case IP_REMOTE_PORT:
            case IP_LOCAL_PORT: return integer(rnd, f, 65535, near(rnd, PORTS[rnd.nextInt(PORTS.length)], 65535));
            case IP_LENGTH: return integer(rnd, f, 65535, near(rnd, LENGTHS[rnd.nextInt(LENGTHS.length)], 65535));
            case FLAGS: return integer(rnd, f, 0xFFFF_FFFFL, rnd.nextInt(4) == 0 ? rnd.nextInt() & 0xFFFF_FFFFL : rnd.nextInt(8));
            default: return layer.isV6() ? v6(rnd, f) : v4(rnd, f);
        }
    }

    /** Equality, inequality, a range or a one-sided comparison on an integer field of maximum {@code max}. */
    private static Condition integer(Random rnd, Field f, long max, long a) {
        long b = Math.min(max, a + (rnd.nextBoolean() ? rnd.nextInt(3) : rnd.nextInt(5000)));
        switch (rnd.nextInt(8)) {
            case 0: case 1: return Condition.eq(f, value(f, a));
            case 2: case 3: return Condition.range(f, value(f, a), value(f, b));
            case 4: return Condition.of(f, MatchType.NOT_EQUAL, value(f, a));
            case 5: return Condition.of(f, rnd.nextBoolean() ? MatchType.GREATER : MatchType.GREATER_OR_EQUAL, value(f, a));
            default: return Condition.of(f, rnd.nextBoolean() ? MatchType.LESS : MatchType.LESS_OR_EQUAL, value(f, a));
        }
    }

    private static Value value(Field f, long v) {
        switch (f.type(false)) {
            case UINT8: return Value.uint8((int) v);
            case UINT16: return Value.uint16((int) v);
            default: return Value.uint32(v);
        }
    }

    private static Condition v4(Random rnd, Field f) {
        int a = V4[rnd.nextInt(V4.length)] ^ (rnd.nextInt(3) == 0 ? 1 << rnd.nextInt(32) : 0);
        switch (rnd.nextInt(7)) {
            case 0: return Condition.eq(f, Value.v4(a));
            case 1: case 2: return Condition.eq(f, Value.v4Prefix(a, rnd.nextInt(33)));
            case 3: return Condition.of(f, MatchType.NOT_EQUAL, Value.v4Prefix(a, rnd.nextInt(33)));
            case 4: return Condition.eq(f, Value.v4AddrMask(a, rnd.nextInt())); // usually non-contiguous
            case 5: {
                long lo = a & 0xFFFF_FFFFL, hi = Math.min(0xFFFF_FFFFL, lo + rnd.nextInt(1 << rnd.nextInt(31)));
                return Condition.range(f, Value.uint32(lo), Value.uint32(hi));
            }
            default: return Condition.of(f, rnd.nextBoolean() ? MatchType.GREATER_OR_EQUAL : MatchType.LESS, Value.v4(a));
        }
    }

    private static Condition v6(Random rnd, Field f) {
        long hi = V6HI[rnd.nextInt(V6HI.length)], lo = V6LO[rnd.nextInt(V6LO.length)] ^ (rnd.nextBoolean() ? 1L << rnd.nextInt(64) : 0);
        switch (rnd.nextInt(5)) {
            case 0: return Condition.eq(f, Value.v6(hi, lo));
            case 1: case 2: return Condition.eq(f, Value.v6Prefix(hi, lo, rnd.nextInt(129)));
            case 3: return Condition.of(f, MatchType.NOT_EQUAL, Value.v6Prefix(hi, lo, rnd.nextInt(129)));
            default: return Condition.range(f, Value.v6(hi, 0), Value.v6(hi, lo));
        }
    }

    /** {@code anchor} itself, or one off it, clipped to [0, max]. */
    private static long near(Random rnd, long anchor, long max) {
        return Math.max(0, Math.min(max, anchor + rnd.nextInt(3) - 1));
    }

    @Override public IncomingValues packet(Random rnd, Layer layer) {
        IncomingValues in = new IncomingValues();
        if (rnd.nextInt(10) > 0) in.setUint8(Field.IP_PROTOCOL, (int) near(rnd, PROTOS[rnd.nextInt(PROTOS.length)], 255));
        if (rnd.nextInt(10) > 0) in.setUint16(Field.IP_REMOTE_PORT, (int) port(rnd));
        if (rnd.nextInt(10) > 0) in.setUint16(Field.IP_LOCAL_PORT, (int) port(rnd));
        if (rnd.nextInt(10) > 0) in.setUint32(Field.FLAGS, rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(8));
        if (rnd.nextInt(10) > 0) {
            in.setUint16(Field.IP_LENGTH, rnd.nextBoolean() ? 40 + rnd.nextInt(1461) : (int) near(rnd, LENGTHS[rnd.nextInt(LENGTHS.length)], 65535));
        }
        for (Field f : new Field[] {Field.IP_REMOTE_ADDRESS, Field.IP_LOCAL_ADDRESS}) {
            if (rnd.nextInt(10) == 0) continue;
            if (layer.isV6()) {
                in.setV6Address(f, V6HI[rnd.nextInt(V6HI.length)] ^ (rnd.nextInt(4) == 0 ? 1L << rnd.nextInt(64) : 0),
                        V6LO[rnd.nextInt(V6LO.length)] ^ (rnd.nextBoolean() ? 1L << rnd.nextInt(64) : 0));
            } else {
                in.setV4Address(f, V4[rnd.nextInt(V4.length)] ^ (rnd.nextBoolean() ? 1 << rnd.nextInt(32) : 0) + rnd.nextInt(3) - 1);
            }
        }
        return in;
    }

    private static long port(Random rnd) {
        return rnd.nextInt(5) == 0 ? rnd.nextInt(65536) : near(rnd, PORTS[rnd.nextInt(PORTS.length)], 65535);
    }
}
