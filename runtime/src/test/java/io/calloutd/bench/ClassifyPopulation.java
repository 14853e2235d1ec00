package io.calloutd.bench;

import io.calloutd.engine.Condition;
import io.calloutd.engine.Field;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterFlags;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.FilterWeight;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import io.calloutd.engine.MatchType;
import io.calloutd.engine.Sublayer;
import io.calloutd.engine.Value;
import io.calloutd.engine.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The filter population and packet mix of {@link ClassifyBenchmark}, one generator for every size. Filters: 6
 * sublayers; weights auto / explicit / weight range; 60 % carry a protocol (TCP, UDP, ICMP, GRE); the selective
 * part is a remote or local address (exact, or a /8../32 prefix anywhere in IPv4), a remote or local port (a
 * popular or random single port, or a range up to 4096 wide), or an address and a port; a few carry an extra
 * IP_LENGTH range; PERMIT 65 % / BLOCK 35 %, some hard permits. Five broad filters (three without conditions,
 * protocol-only, a port &lt; 1024 one) sit in the lower sublayers. Packets: 60 % are built to satisfy the conditions
 * of a randomly chosen filter (so they hit the index, and a higher-weight filter may still decide), 40 % are random.
 */
final class ClassifyPopulation {
    static final Layer LAYER = Layer.INBOUND_TRANSPORT_V4;
    private static final int[] POPULAR = {22, 25, 53, 80, 123, 443, 3389, 8080, 8443};
    private static final int[] PROTOCOLS = {6, 6, 6, 6, 6, 17, 17, 17, 1, 47};

    private ClassifyPopulation() { }

    /** Adds {@code n} generated filters plus the broad ones to {@code engine}; returns the generated filters. */
    static List<Filter> install(FilterEngine engine, int n, long seed) throws Exception {
        Random rnd = new Random(seed);
        List<Sublayer> subs = new ArrayList<>();
        for (int s = 0; s < 6; s++) subs.add(engine.addSublayer(Sublayer.of("s" + s, 60000 - 7000 * s)));
        List<FilterSpec> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) specs.add(filter(rnd, subs));
        List<Filter> added = new ArrayList<>();
        engine.update(tx -> {
            for (FilterSpec s : specs) added.add(tx.addFilter(s));
            tx.addFilter(broad(subs.get(5)).build());
            tx.addFilter(broad(subs.get(4)).action(FilterAction.BLOCK).weight(0).build());
            tx.addFilter(broad(subs.get(3)).weight(1).build());
            tx.addFilter(broad(subs.get(3)).condition(Condition.eq(Field.IP_PROTOCOL, Value.uint8(17))).build());
            tx.addFilter(broad(subs.get(2)).condition(Condition.of(Field.IP_REMOTE_PORT, MatchType.LESS, Value.uint16(1024))).build());
            return null;
        });
        return added;
    }

    private static FilterSpec.Builder broad(Sublayer s) {
        return FilterSpec.builder(LAYER).sublayer(s).action(FilterAction.PERMIT);
    }

    private static FilterSpec filter(Random rnd, List<Sublayer> subs) {
        FilterSpec.Builder b = FilterSpec.builder(LAYER).sublayer(subs.get(rnd.nextInt(subs.size())));
        switch (rnd.nextInt(3)) {
            case 0: b.weight(FilterWeight.auto()); break;
            case 1: b.weight(rnd.nextInt(1000)); break;
            default: b.weight(FilterWeight.range(rnd.nextInt(16)));
        }
        if (rnd.nextInt(10) < 6) b.condition(Condition.eq(Field.IP_PROTOCOL, Value.uint8(PROTOCOLS[rnd.nextInt(PROTOCOLS.length)])));
        int kind = rnd.nextInt(100);
        if (kind < 30) b.condition(address(rnd, Field.IP_REMOTE_ADDRESS));
        else if (kind < 40) b.condition(address(rnd, Field.IP_LOCAL_ADDRESS));
        else if (kind < 70) b.condition(port(rnd, Field.IP_REMOTE_PORT));
        else if (kind < 85) b.condition(port(rnd, Field.IP_LOCAL_PORT));
        else b.condition(address(rnd, Field.IP_REMOTE_ADDRESS)).condition(port(rnd, Field.IP_LOCAL_PORT));
        if (rnd.nextInt(8) == 0) b.condition(Condition.range(Field.IP_LENGTH, Value.uint16(40), Value.uint16(40 + rnd.nextInt(1500))));
        boolean block = rnd.nextInt(100) < 35;
        b.action(block ? FilterAction.BLOCK : FilterAction.PERMIT);
        if (!block && rnd.nextInt(5) == 0) b.flags(FilterFlags.CLEAR_ACTION_RIGHT);
        return b.build();
    }

    private static Condition address(Random rnd, Field f) {
        int a = rnd.nextInt();
        if (rnd.nextInt(10) < 4) return Condition.eq(f, Value.v4(a));
        return Condition.eq(f, Value.v4Prefix(a, 8 + rnd.nextInt(25)));
    }

    private static Condition port(Random rnd, Field f) {
        int r = rnd.nextInt(10);
        if (r < 2) return Condition.eq(f, Value.uint16(POPULAR[rnd.nextInt(POPULAR.length)]));
        if (r < 7) return Condition.eq(f, Value.uint16(rnd.nextInt(65536)));
        int lo = rnd.nextInt(65536);
        int hi = Math.min(65535, lo + (1 << rnd.nextInt(13)) - 1);
        return Condition.range(f, Value.uint16(lo), Value.uint16(hi));
    }

    /** {@code count} packets: 60 % satisfy the conditions of a random generated filter, 40 % are random. */
    static IncomingValues[] packets(List<Filter> specs, int count, long seed) {
        Random rnd = new Random(seed);
        IncomingValues[] out = new IncomingValues[count];
        for (int i = 0; i < count; i++) {
            IncomingValues in = new IncomingValues()
                    .setUint8(Field.IP_PROTOCOL, PROTOCOLS[rnd.nextInt(PROTOCOLS.length)])
                    .setV4Address(Field.IP_LOCAL_ADDRESS, rnd.nextInt())
                    .setV4Address(Field.IP_REMOTE_ADDRESS, rnd.nextInt())
                    .setUint16(Field.IP_LOCAL_PORT, rnd.nextBoolean() ? POPULAR[rnd.nextInt(POPULAR.length)] : rnd.nextInt(65536))
                    .setUint16(Field.IP_REMOTE_PORT, 1024 + rnd.nextInt(64512))
                    .setUint16(Field.IP_LENGTH, 40 + rnd.nextInt(1461))
                    .setUint32(Field.FLAGS, 0);
            if (rnd.nextInt(10) < 6) {
                for (Condition c : specs.get(rnd.nextInt(specs.size())).conditions()) satisfy(rnd, in, c);
            }
            out[i] = in;
        }
        return out;
    }

    /** The fields {@link #packets} sets, in the order of a {@link #tuples} record. */
    private static final Field[] TUPLE = {Field.IP_PROTOCOL, Field.IP_LOCAL_ADDRESS, Field.IP_REMOTE_ADDRESS,
            Field.IP_LOCAL_PORT, Field.IP_REMOTE_PORT, Field.IP_LENGTH, Field.FLAGS};

    /** Number of ints per packet in {@link #tuples}. */
    static final int TUPLE_INTS = TUPLE.length;

    /**
     * The packets as compact header tuples, {@link #TUPLE_INTS} ints each: what the packet path parses out of a
     * packet before it fills its one incoming-values vector ({@link #fill}).
     */
    static int[] tuples(IncomingValues[] packets) {
        int[] t = new int[packets.length * TUPLE_INTS];
        for (int i = 0; i < packets.length; i++) {
            for (int k = 0; k < TUPLE_INTS; k++) t[i * TUPLE_INTS + k] = (int) packets[i].low(TUPLE[k]);
        }
        return t;
    }

    /**
     * Fills {@code in} with packet {@code i} of {@code tuples} the way the packet path does (clear, then set each
     * field of the parsed header), so that the classification reads a vector that is hot in the cache, as it is in
     * the daemon.
     */
    static IncomingValues fill(IncomingValues in, int[] tuples, int i) {
        int o = i * TUPLE_INTS;
        return in.clear()
                .setUint8(Field.IP_PROTOCOL, tuples[o])
                .setV4Address(Field.IP_LOCAL_ADDRESS, tuples[o + 1])
                .setV4Address(Field.IP_REMOTE_ADDRESS, tuples[o + 2])
                .setUint16(Field.IP_LOCAL_PORT, tuples[o + 3])
                .setUint16(Field.IP_REMOTE_PORT, tuples[o + 4])
                .setUint16(Field.IP_LENGTH, tuples[o + 5])
                .setUint32(Field.FLAGS, tuples[o + 6] & 0xFFFF_FFFFL);
    }

    /** Sets the packet's field to a value the (EQUAL or RANGE) condition accepts. */
    private static void satisfy(Random rnd, IncomingValues in, Condition c) {
        Value v = c.value();
        long value;
        if (v.type() == ValueType.V4_ADDR_MASK) value = (v.low() & v.high()) | (rnd.nextInt() & ~v.high());
        else if (c.matchType() == MatchType.RANGE) value = v.low() + (long) (rnd.nextDouble() * (c.high().low() - v.low() + 1));
        else value = v.low();
        switch (c.field()) {
            case IP_PROTOCOL: in.setUint8(c.field(), (int) value); break;
            case IP_LOCAL_ADDRESS: case IP_REMOTE_ADDRESS: in.setV4Address(c.field(), (int) value); break;
            default: in.setUint16(c.field(), (int) value);
        }
    }
}
