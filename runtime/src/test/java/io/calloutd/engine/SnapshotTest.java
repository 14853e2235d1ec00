package io.calloutd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Copy-on-write publication: atomic batches, per-layer generations, no mixed policy under concurrency. */
class SnapshotTest {
    private static final Layer L = Layer.INBOUND_TRANSPORT_V4;

    @Test
    void failedBatchAppliesNothingAndKeepsGeneration() throws Exception {
        FilterEngine e = new FilterEngine();
        e.addFilter(FilterSpec.builder(L).action(FilterAction.PERMIT).build());
        long gen = e.generation(L);
        assertThat(gen).isEqualTo(1);
        assertThatThrownBy(() -> e.update(tx -> {
            tx.addFilter(FilterSpec.builder(L).action(FilterAction.BLOCK).weight(-1L).build());
            tx.addFilter(FilterSpec.builder(L).condition(Condition.eq(Field.FLAGS, Value.uint8(1))).build());
            return null;
        })).isInstanceOf(FilterValidationException.class);
        assertThat(e.filters(L)).hasSize(1);
        assertThat(e.generation(L)).isEqualTo(gen);
        assertThat(e.classify(L, Packets.tcp443(), new ClassifyContext(), new ClassifyResult())).isEqualTo(Verdict.PERMIT);
    }

    @Test
    void generationsAreBumpedPerTouchedLayerOnly() throws Exception {
        FilterEngine e = new FilterEngine();
        e.update(tx -> {
            tx.addFilter(FilterSpec.builder(L).build());
            tx.addFilter(FilterSpec.builder(L).build());
            return null;
        });
        assertThat(e.generation(L)).isEqualTo(1);
        assertThat(e.generation(Layer.ALE_AUTH_CONNECT_V4)).isZero();
        Filter f = e.addFilter(FilterSpec.builder(Layer.ALE_AUTH_CONNECT_V4).build());
        e.deleteFilter(f.key());
        assertThat(e.generation(Layer.ALE_AUTH_CONNECT_V4)).isEqualTo(2);
        assertThat(e.generation(L)).isEqualTo(1);
        ClassifyResult r = new ClassifyResult();
        e.classify(L, Packets.tcp443(), new ClassifyContext(), r);
        assertThat(r.generation()).isEqualTo(1);
    }

    @Test
    void concurrentReadersSeeOldOrNewPolicyNeverAMix() throws Exception {
        // Policy A: permit port 443 (hard) + block everything; policy B: the reverse. A packet to 443 must see
        // exactly one policy's answer: A -> PERMIT by A's filter, B -> BLOCK by B's filter.
        FilterEngine e = new FilterEngine();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            IncomingValues in = Packets.tcp443();
            ClassifyContext ctx = new ClassifyContext();
            ClassifyResult r = new ClassifyResult();
            while (!stop.get()) {
                e.classify(L, in, ctx, r);
                String name = r.filterId() == 0 ? "none" : e.filter(r.filterId()).map(Filter::name).orElse("deleted");
                boolean ok = r.filterId() == 0 && r.generation() == 0
                        || r.verdict() == Verdict.PERMIT && r.generation() % 2 == 1
                        || r.verdict() == Verdict.BLOCK && r.generation() % 2 == 0;
                if (!ok) { failure.compareAndSet(null, new AssertionError(r + " gen " + r.generation() + " " + name)); return; }
            }
        });
        reader.start();
        Filter[] current = new Filter[2];
        for (int i = 1; i <= 400; i++) {
            boolean odd = i % 2 == 1;
            e.update(tx -> {
                if (current[0] != null) { tx.deleteFilter(current[0].id()); tx.deleteFilter(current[1].id()); }
                current[0] = tx.addFilter(FilterSpec.builder(L).name("a").weight(10).action(odd ? FilterAction.PERMIT : FilterAction.BLOCK)
                        .flags(odd ? FilterFlags.CLEAR_ACTION_RIGHT : 0)
                        .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(443))).build());
                current[1] = tx.addFilter(FilterSpec.builder(L).name("b").weight(5).action(odd ? FilterAction.BLOCK : FilterAction.PERMIT).build());
                return null;
            });
        }
        stop.set(true);
        reader.join();
        assertThat(failure.get()).isNull();
        assertThat(e.generation(L)).isEqualTo(400);
    }
}
