package io.calloutd.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Property test (M-24): for random filter sets and random packets, the indexed engine and the naive reference scan
 * give the same verdict, deciding filter, veto/absorb flags and the same sequence of callout invocations.
 */
class IndexPropertyTest {
    private static final int[] PORTS = {53, 80, 443, 8080, 0, 65535};
    private static final int[] V4 = {0xC6120001, 0xC6120002, 0xC6121001, 0xC6130002, 0x0A000001, 0xFFFFFFFF};
    private static final long[] V6HI = {0xFD00_0000_0000_0001L, 0xFD00_0000_0000_0002L, 0xFD00_0001_0000_0000L};
    private static final long[] V6LO = {1L, 2L, 0x8000_0000_0000_0000L};

    record Call(long filterId, ActionType in, boolean write) { }

    private final List<Call> calls = new ArrayList<>();

    /** A side-effect-free callout (apart from recording) whose behaviour is chosen by the filter's raw context. */
    private final Callout pure = (in, ctx, f, out) -> {
        calls.add(new Call(f.id(), out.actionType(), out.hasWriteRight()));
        switch ((int) (f.rawContext() % 8)) {
            case 0: out.setActionType(ActionType.CONTINUE); break;
            case 1: if (out.hasWriteRight()) out.permit(); break;
            case 2: out.permit(); break;
            case 3: out.block(); break;
            case 4: out.setActionType(ActionType.BLOCK); break;
            case 5: out.block(); out.setAbsorb(); break;
            case 6: out.setActionType(ActionType.NONE); break;
            default:
                if ((in.low(Field.IP_REMOTE_PORT) & 1) == 0) out.permit(); else out.block();
        }
    };

    /** Draws conditions and packets for one family of cases. */
    interface Generator {
        Condition condition(Random rnd, Layer layer);

        Condition conditionOn(Random rnd, Layer layer, Field f);

        IncomingValues packet(Random rnd, Layer layer);
    }

    /** The original mix: few distinct values, so filters overlap heavily. */
    private static final Generator BASIC = new Generator() {
        @Override public Condition condition(Random rnd, Layer layer) { return randomCondition(rnd, layer); }
        @Override public Condition conditionOn(Random rnd, Layer layer, Field f) { return randomConditionOn(rnd, layer, f); }
        @Override public IncomingValues packet(Random rnd, Layer layer) { return randomPacket(rnd, layer); }
    };

    @Test
    void indexedClassificationEqualsNaiveScanV4() throws Exception {
        run(Layer.INBOUND_TRANSPORT_V4, 0xC0FFEEL, 3000, 80, BASIC);
    }

    @Test
    void indexedClassificationEqualsNaiveScanV6() throws Exception {
        run(Layer.OUTBOUND_TRANSPORT_V6, 0xBEEFL, 1000, 80, BASIC);
    }

    /** Prefix strides, port/address ranges, comparisons, NOT_EQUAL, EMPTY and OR groups (IndexShapes). */
    @Test
    void indexShapesEqualNaiveScanV4() throws Exception {
        run(Layer.INBOUND_TRANSPORT_V4, 0x5EED_0004L, 3000, 80, new IndexShapes());
    }

    @Test
    void indexShapesEqualNaiveScanV6() throws Exception {
        run(Layer.OUTBOUND_TRANSPORT_V6, 0x5EED_0006L, 1000, 80, new IndexShapes());
    }

    /** Hundreds of filters per set: long candidate lists, so skipping the rest of a decided sublayer is exercised. */
    @Test
    void largeFilterSetsEqualNaiveScan() throws Exception {
        run(Layer.INBOUND_TRANSPORT_V4, 0x5EED_0400L, 120, 600, new IndexShapes());
        run(Layer.INBOUND_TRANSPORT_V4, 0x5EED_0401L, 120, 600, BASIC);
    }

    /**
     * Static PERMIT/BLOCK filters only, in large sets: most lists get pruned after a certain decider per sublayer,
     * and many protocol values exercise the shared "other" protocol class.
     */
    @Test
    void largeStaticFilterSetsEqualNaiveScan() throws Exception {
        hardOnly = true;
        run(Layer.INBOUND_TRANSPORT_V4, 0x5EED_0500L, 60, 2000, new IndexShapes());
        run(Layer.INBOUND_TRANSPORT_V4, 0x5EED_0501L, 60, 2000, BASIC);
    }

    private boolean hardOnly;

    private void run(Layer layer, long seed, int cases, int maxFilters, Generator gen) throws Exception {
        Random rnd = new Random(seed);
        int blocks = 0, permits = 0, vetoes = 0, absorbs = 0, packets = 0;
        for (int c = 0; c < cases; c++) {
            Verdict def = rnd.nextInt(4) == 0 ? Verdict.BLOCK : Verdict.PERMIT;
            FilterEngine engine = new FilterEngine(EngineConfig.defaults().withDefaultVerdict(def));
            Map<UUID, Callout> registered = new HashMap<>();
            UUID regKey = UUID.randomUUID(), unregKey = UUID.randomUUID();
            engine.registerCallout(regKey, pure);
            registered.put(regKey, pure);
            List<Sublayer> subs = new ArrayList<>(List.of(Sublayer.UNIVERSAL));
            for (int s = 0; s < 3; s++) subs.add(engine.addSublayer(Sublayer.of("s" + s, new int[] {100, 100, 50, 0x8000}[rnd.nextInt(4)])));
            List<Filter> filters = new ArrayList<>();
            int n = rnd.nextInt(rnd.nextBoolean() ? 10 : maxFilters);
            engine.update(tx -> {
                for (int i = 0; i < n; i++) filters.add(tx.addFilter(randomFilter(rnd, layer, subs, regKey, unregKey, gen)));
                return null;
            });
            if (rnd.nextInt(4) == 0 && !filters.isEmpty()) { // deletions also keep the index exact
                Filter gone = filters.remove(rnd.nextInt(filters.size()));
                engine.deleteFilter(gone.id());
            }
            NaiveReference naive = new NaiveReference(filters, registered, def);
            ClassifyContext ctx = new ClassifyContext();
            ClassifyResult res = new ClassifyResult();
            for (int p = 0; p < 20; p++) {
                IncomingValues in = gen.packet(rnd, layer);
                calls.clear();
                NaiveReference.Outcome want = naive.classify(layer, in, ctx);
                List<Call> wantCalls = new ArrayList<>(calls);
                calls.clear();
                engine.classify(layer, in, ctx, res);
                String why = "case " + c + " packet " + p + " " + in.describe() + "\nfilters " + engine.filters(layer);
                assertThat(res.verdict()).as(why).isEqualTo(want.verdict());
                assertThat(res.filterId()).as(why).isEqualTo(want.filterId());
                assertThat(res.vetoed()).as(why).isEqualTo(want.vetoed());
                assertThat(res.absorbed()).as(why).isEqualTo(want.absorbed());
                assertThat(res.overriddenFilterId()).as(why).isEqualTo(want.overridden());
                assertThat(calls).as(why).isEqualTo(wantCalls);
                packets++;
                if (res.blocked()) blocks++; else permits++;
                if (res.vetoed()) vetoes++;
                if (res.absorbed()) absorbs++;
            }
        }
        // The generator must exercise every outcome, or the comparison proves little.
        assertThat(packets).isEqualTo(cases * 20);
        assertThat(blocks).isGreaterThan(packets / 10);
        assertThat(permits).isGreaterThan(packets / 10);
        if (hardOnly) return;
        assertThat(vetoes).isPositive();
        assertThat(absorbs).isPositive();
    }

    private FilterSpec randomFilter(Random rnd, Layer layer, List<Sublayer> subs, UUID reg, UUID unreg,
                                           Generator gen) {
        FilterSpec.Builder b = FilterSpec.builder(layer).sublayer(subs.get(rnd.nextInt(subs.size())));
        switch (rnd.nextInt(3)) {
            case 0: b.weight(rnd.nextInt(4)); break;
            case 1: b.weight(FilterWeight.auto()); break;
            default: b.weight(FilterWeight.range(rnd.nextInt(16)));
        }
        int nc = rnd.nextInt(5);
        for (int i = 0; i < nc; i++) {
            Condition c = gen.condition(rnd, layer);
            b.condition(c);
            while (rnd.nextInt(4) == 0) b.condition(gen.conditionOn(rnd, layer, c.field())); // OR group
        }
        int a = hardOnly ? rnd.nextInt(2) : rnd.nextInt(7);
        int flags = rnd.nextInt(3) == 0 ? FilterFlags.CLEAR_ACTION_RIGHT : 0;
        if (a == 0) b.action(FilterAction.PERMIT);
        else if (a == 1) b.action(FilterAction.BLOCK);
        else {
            FilterAction fa = new FilterAction[] {FilterAction.CALLOUT_TERMINATING, FilterAction.CALLOUT_INSPECTION,
                    FilterAction.CALLOUT_UNKNOWN}[rnd.nextInt(3)];
            b.callout(fa, rnd.nextInt(5) == 0 ? unreg : reg).rawContext(rnd.nextInt(8));
            if (fa != FilterAction.CALLOUT_INSPECTION && rnd.nextBoolean()) flags |= FilterFlags.PERMIT_IF_CALLOUT_UNREGISTERED;
        }
        return b.flags(flags).build();
    }

    private static final Field[] COND_FIELDS = {Field.IP_PROTOCOL, Field.IP_REMOTE_PORT, Field.IP_LOCAL_PORT,
            Field.IP_REMOTE_ADDRESS, Field.IP_LOCAL_ADDRESS, Field.FLAGS, Field.ICMP_TYPE};

    private static Condition randomCondition(Random rnd, Layer layer) {
        return randomConditionOn(rnd, layer, COND_FIELDS[rnd.nextInt(COND_FIELDS.length)]);
    }

    private static Condition randomConditionOn(Random rnd, Layer layer, Field f) {
        if (rnd.nextInt(12) == 0) return Condition.of(f, rnd.nextBoolean() ? MatchType.EQUAL : MatchType.NOT_EQUAL, Value.empty());
        switch (f) {
            case IP_PROTOCOL:
                return Condition.of(f, rnd.nextInt(5) == 0 ? MatchType.NOT_EQUAL : MatchType.EQUAL, Value.uint8(rnd.nextBoolean() ? 6 : 17));
            case IP_REMOTE_PORT:
            case IP_LOCAL_PORT:
            case ICMP_TYPE: {
                int p = PORTS[rnd.nextInt(PORTS.length)];
                switch (rnd.nextInt(6)) {
                    case 0: return Condition.range(f, Value.uint16(Math.min(p, 100)), Value.uint16(Math.max(p, 100)));
                    case 1: return Condition.of(f, MatchType.GREATER, Value.uint16(p));
                    case 2: return Condition.of(f, MatchType.LESS_OR_EQUAL, Value.uint16(p));
                    case 3: return Condition.of(f, MatchType.NOT_EQUAL, Value.uint16(p));
                    default: return Condition.eq(f, Value.uint16(p));
                }
            }
            case FLAGS: {
                MatchType m = new MatchType[] {MatchType.FLAGS_ALL_SET, MatchType.FLAGS_ANY_SET, MatchType.FLAGS_NONE_SET, MatchType.EQUAL}[rnd.nextInt(4)];
                return Condition.of(f, m, Value.uint32(rnd.nextInt(8)));
            }
            default: // addresses
                if (!layer.isV6()) {
                    int a = V4[rnd.nextInt(V4.length)];
                    switch (rnd.nextInt(4)) {
                        case 0: return Condition.eq(f, Value.v4(a));
                        case 1: return Condition.eq(f, Value.v4Prefix(a, new int[] {0, 8, 15, 16, 24, 32}[rnd.nextInt(6)]));
                        case 2: return Condition.eq(f, Value.v4AddrMask(a, 0xFF00FF00)); // non-contiguous mask
                        default: return Condition.of(f, MatchType.GREATER_OR_EQUAL, Value.v4(a));
                    }
                }
                long hi = V6HI[rnd.nextInt(V6HI.length)], lo = V6LO[rnd.nextInt(V6LO.length)];
                switch (rnd.nextInt(3)) {
                    case 0: return Condition.eq(f, Value.v6(hi, lo));
                    case 1: return Condition.eq(f, Value.v6Prefix(hi, lo, new int[] {0, 8, 48, 64, 65, 127, 128}[rnd.nextInt(7)]));
                    default: return Condition.range(f, Value.v6(hi, 0), Value.v6(hi, lo));
                }
        }
    }

    private static IncomingValues randomPacket(Random rnd, Layer layer) {
        IncomingValues in = new IncomingValues();
        if (rnd.nextInt(10) > 0) in.setUint8(Field.IP_PROTOCOL, rnd.nextBoolean() ? 6 : 17);
        if (rnd.nextInt(10) > 0) in.setUint16(Field.IP_REMOTE_PORT, PORTS[rnd.nextInt(PORTS.length)] + (rnd.nextInt(5) == 0 ? 1 : 0) & 0xFFFF);
        if (rnd.nextInt(10) > 0) in.setUint16(Field.IP_LOCAL_PORT, PORTS[rnd.nextInt(PORTS.length)]);
        if (rnd.nextInt(3) == 0) in.setUint16(Field.ICMP_TYPE, PORTS[rnd.nextInt(PORTS.length)]);
        if (rnd.nextInt(10) > 0) in.setUint32(Field.FLAGS, rnd.nextInt(8));
        for (Field f : new Field[] {Field.IP_REMOTE_ADDRESS, Field.IP_LOCAL_ADDRESS}) {
            if (rnd.nextInt(10) == 0) continue;
            if (layer.isV6()) in.setV6Address(f, V6HI[rnd.nextInt(V6HI.length)], V6LO[rnd.nextInt(V6LO.length)] + rnd.nextInt(2));
            else in.setV4Address(f, V4[rnd.nextInt(V4.length)] ^ (rnd.nextInt(4) == 0 ? 1 << rnd.nextInt(32) : 0));
        }
        return in;
    }
}
