package io.calloutd.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Filter match and block counters are kept per thread ({@link FilterCounters}); the totals an operator reads must
 * still be exact across policy changes, several packet threads, a thread's scratch being dropped, and a scratch
 * moving to another engine.
 */
class FilterCountersTest {
    private static final Layer L = Layer.INBOUND_TRANSPORT_V4;

    private FilterEngine engine;
    private Filter permit443;
    private Filter block80;
    private final ClassifyContext ctx = new ClassifyContext();

    @BeforeEach
    void setUp() throws Exception {
        engine = new FilterEngine();
        permit443 = engine.addFilter(FilterSpec.builder(L).action(FilterAction.PERMIT)
                .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(443))).build());
        block80 = engine.addFilter(FilterSpec.builder(L).action(FilterAction.BLOCK)
                .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(80))).build());
    }

    private void send(FilterEngine e, ClassifyResult res, int port, int times) {
        IncomingValues in = Packets.transport(Packets.TCP, port);
        for (int i = 0; i < times; i++) e.classify(L, in, ctx, res);
    }

    @Test
    void countsHeldForOnePolicyAreKeptWhenThePolicyChanges() throws Exception {
        ClassifyResult res = new ClassifyResult();
        send(engine, res, 443, 3);
        send(engine, res, 80, 2);
        assertThat(engine.filterMatches(permit443.id())).isEqualTo(3);
        assertThat(engine.filterBlocks(block80.id())).isEqualTo(2);

        Filter other = engine.addFilter(FilterSpec.builder(L).action(FilterAction.PERMIT)
                .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(22))).build()); // new policy, new ranks
        send(engine, res, 443, 4);
        send(engine, res, 80, 1);
        send(engine, res, 22, 5);
        assertThat(engine.filterMatches(permit443.id())).isEqualTo(7);
        assertThat(engine.filterMatches(block80.id())).isEqualTo(3);
        assertThat(engine.filterBlocks(block80.id())).isEqualTo(3);
        assertThat(engine.filterBlocks(permit443.id())).isZero();
        assertThat(engine.filterMatches(other.id())).isEqualTo(5);
    }

    @Test
    void countsOfSeveralPacketThreadsAddUp() throws Exception {
        int threads = 4, each = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        ClassifyResult[] results = new ClassifyResult[threads];
        for (int t = 0; t < threads; t++) {
            ClassifyResult res = results[t] = new ClassifyResult();
            ClassifyContext c = new ClassifyContext();
            IncomingValues in = Packets.transport(Packets.TCP, 80);
            ts[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int i = 0; i < each; i++) engine.classify(L, in, c, res);
            });
            ts[t].start();
        }
        start.countDown();
        for (Thread t : ts) t.join();
        assertThat(engine.filterMatches(block80.id())).isEqualTo((long) threads * each);
        assertThat(engine.filterBlocks(block80.id())).isEqualTo((long) threads * each);
        assertThat(results).hasSize(threads); // the results are still reachable: their counts are read where they are
    }

    @Test
    void countsOfADroppedThreadScratchAreKept() throws Exception {
        WeakReference<ClassifyResult> gone = classifyWithAScratchThenDropIt();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (gone.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(10);
        }
        assertThat(gone.get()).as("scratch collected").isNull();
        assertThat(engine.filterMatches(permit443.id())).isEqualTo(6);
        assertThat(engine.filterBlocks(block80.id())).isEqualTo(1);
    }

    private WeakReference<ClassifyResult> classifyWithAScratchThenDropIt() {
        ClassifyResult res = new ClassifyResult();
        send(engine, res, 443, 6);
        send(engine, res, 80, 1);
        return new WeakReference<>(res);
    }

    @Test
    void aScratchMovingToAnotherEngineLeavesItsCountsBehind() throws Exception {
        ClassifyResult res = new ClassifyResult();
        send(engine, res, 443, 2);
        FilterEngine second = new FilterEngine();
        Filter there = second.addFilter(FilterSpec.builder(L).action(FilterAction.PERMIT).build());
        send(second, res, 443, 3);
        assertThat(engine.filterMatches(permit443.id())).isEqualTo(2);
        assertThat(second.filterMatches(there.id())).isEqualTo(3);
        send(engine, res, 443, 1);
        assertThat(engine.filterMatches(permit443.id())).isEqualTo(3);
        assertThat(second.filterMatches(there.id())).isEqualTo(3);
    }

    @Test
    void deletedFiltersReadZeroAndOthersKeepTheirCounts() throws Exception {
        ClassifyResult res = new ClassifyResult();
        send(engine, res, 80, 4);
        send(engine, res, 443, 1);
        engine.deleteFilter(block80.id());
        assertThat(engine.filterMatches(block80.id())).isZero();
        send(engine, res, 80, 2); // now permitted by default: no filter matches
        assertThat(engine.filterMatches(permit443.id())).isEqualTo(1);
    }
}
