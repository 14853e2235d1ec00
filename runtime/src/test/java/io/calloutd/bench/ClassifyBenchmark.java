package io.calloutd.bench;

import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyResult;
import io.calloutd.engine.Condition;
import io.calloutd.engine.EngineConfig;
import io.calloutd.engine.Field;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.FilterWeight;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import io.calloutd.engine.MatchType;
import io.calloutd.engine.Sublayer;
import io.calloutd.engine.Value;
import io.calloutd.engine.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Classification throughput and allocation (M-24) at INBOUND_TRANSPORT_V4 with 10 … 100 000 filters.
 * Mix: 4 sublayers; per filter one selective indexable condition (remote port 45 %, local port 15 %, remote /28–/32
 * prefix 40 %) plus, for half of them, a protocol and/or an IP_LENGTH RANGE condition; PERMIT/BLOCK 70/30, some with
 * CLEAR_ACTION_RIGHT; plus 5 broad filters (protocol-only / flags / no conditions). Packets are drawn from the same
 * value space. Run: see the engine report; use {@code -prof gc} for bytes per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ClassifyBenchmark {
    private static final Layer L = Layer.INBOUND_TRANSPORT_V4;

    @Param({"10", "1000", "10000", "100000"})
    public int filters;

    private FilterEngine engine;
    private IncomingValues[] packets;
    private final ClassifyContext ctx = new ClassifyContext();
    private final ClassifyResult result = new ClassifyResult();
    private int next;

    @Setup
    public void setUp() throws Exception {
        Random rnd = new Random(42);
        engine = new FilterEngine(EngineConfig.defaults());
        List<Sublayer> subs = new ArrayList<>();
        for (int s = 0; s < 4; s++) subs.add(engine.addSublayer(Sublayer.of("s" + s, 1000 - 100 * s)));
        engine.update(tx -> {
            for (int i = 0; i < filters; i++) {
                FilterSpec.Builder b = FilterSpec.builder(L).sublayer(subs.get(rnd.nextInt(4)))
                        .weight(rnd.nextBoolean() ? FilterWeight.auto() : FilterWeight.explicit(rnd.nextInt(100)));
                int kind = rnd.nextInt(100);
                if (rnd.nextBoolean()) b.condition(Condition.eq(Field.IP_PROTOCOL, Value.uint8(rnd.nextBoolean() ? 6 : 17)));
                if (kind < 45) b.condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(rnd.nextInt(65536))));
                else if (kind < 60) b.condition(Condition.eq(Field.IP_LOCAL_PORT, Value.uint16(rnd.nextInt(65536))));
                else b.condition(Condition.eq(Field.IP_REMOTE_ADDRESS, Value.v4Prefix(0xC6120000 | rnd.nextInt(1 << 17), 28 + rnd.nextInt(5))));
                if (rnd.nextInt(4) == 0) b.condition(Condition.range(Field.IP_LENGTH, Value.uint16(40), Value.uint16(1500)));
                boolean block = rnd.nextInt(10) < 3;
                b.action(block ? FilterAction.BLOCK : FilterAction.PERMIT).flags(!block && rnd.nextInt(5) == 0 ? 0x8 : 0);
                tx.addFilter(b.build());
            }
            tx.addFilter(FilterSpec.builder(L).sublayer(subs.get(3)).action(FilterAction.PERMIT)
                    .condition(Condition.eq(Field.IP_PROTOCOL, Value.uint8(6))).build());
            tx.addFilter(FilterSpec.builder(L).sublayer(subs.get(3)).action(FilterAction.PERMIT)
                    .condition(Condition.eq(Field.IP_PROTOCOL, Value.uint8(17))).build());
            tx.addFilter(FilterSpec.builder(L).sublayer(subs.get(2)).action(FilterAction.BLOCK)
                    .condition(Condition.of(Field.FLAGS, MatchType.FLAGS_ANY_SET, Value.uint32(0x20))).build());
            tx.addFilter(FilterSpec.builder(L).sublayer(subs.get(1)).action(FilterAction.PERMIT)
                    .condition(Condition.of(Field.IP_REMOTE_PORT, MatchType.LESS, Value.uint16(1024))).build());
            tx.addFilter(FilterSpec.builder(L).sublayer(subs.get(0)).weight(0).action(FilterAction.PERMIT).build());
            return null;
        });
        packets = new IncomingValues[1024];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = new IncomingValues()
                    .setUint8(Field.IP_PROTOCOL, rnd.nextBoolean() ? 6 : 17)
                    .setV4Address(Field.IP_LOCAL_ADDRESS, 0xC6120001)
                    .setV4Address(Field.IP_REMOTE_ADDRESS, 0xC6120000 | rnd.nextInt(1 << 17))
                    .setUint16(Field.IP_LOCAL_PORT, rnd.nextInt(65536))
                    .setUint16(Field.IP_REMOTE_PORT, rnd.nextInt(65536))
                    .setUint16(Field.IP_LENGTH, 40 + rnd.nextInt(1600))
                    .setUint32(Field.FLAGS, rnd.nextInt(20) == 0 ? 0x20 : 0);
        }
    }

    @Benchmark
    public Verdict classify() {
        IncomingValues in = packets[next++ & 1023];
        return engine.classify(L, in, ctx, result);
    }
}
