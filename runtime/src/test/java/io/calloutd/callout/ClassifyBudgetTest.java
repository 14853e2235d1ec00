package io.calloutd.callout;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.engine.ActionType;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyResult;
import io.calloutd.engine.Direction;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterFlags;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import io.calloutd.engine.NetEventType;
import io.calloutd.engine.Sublayer;
import io.calloutd.engine.Verdict;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Classify timing, budget overruns, failure isolation (M-10, M-37) and offset restoration (§2.2). */
class ClassifyBudgetTest {
    final Fixture fx = new Fixture(new ClassifyBudget(200_000, false));

    @AfterEach void close() throws Exception { fx.close(); }

    static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) Thread.onSpinWait();
    }

    @Test
    void overrunsAreCountedAndTheSlowestCalloutsReported() throws Exception {
        RegisteredCallout slow = fx.register((in, ctx, f, out) -> spin(2_000_000));
        RegisteredCallout fast = fx.register((in, ctx, f, out) -> { });
        fx.filter(Layer.OUTBOUND_IPPACKET_V4, FilterAction.CALLOUT_INSPECTION, slow.key());
        fx.filter(Layer.OUTBOUND_IPPACKET_V4, FilterAction.CALLOUT_INSPECTION, fast.key());
        for (int i = 0; i < 3; i++) fx.path.indicate(Pkts.udp(1, 2, 3), Direction.OUTBOUND, null, Layer.OUTBOUND_IPPACKET_V4);
        assertThat(slow.timing().overruns()).isEqualTo(3);
        assertThat(slow.timing().maxNanos()).isGreaterThanOrEqualTo(2_000_000);
        assertThat(fast.timing().overruns()).isZero();
        assertThat(fast.timing().invocations()).isEqualTo(3);
        List<CalloutTiming> top = fx.registry().slowest(1);
        assertThat(top).extracting(CalloutTiming::calloutId).containsExactly(slow.id());
        assertThat(fx.events).extracting(e -> e.type()).containsOnly(NetEventType.CALLOUT_OVERRUN).hasSize(3);
        assertThat(fx.path.delivered).hasSize(3); // count only: the verdict is untouched
    }

    @Test
    void failOnOverrunAppliesTheFailureVerdict() throws Exception {
        try (Fixture strict = new Fixture(new ClassifyBudget(100_000, true))) {
            RegisteredCallout slow = strict.register((in, ctx, f, out) -> { spin(1_000_000); out.permit(); });
            strict.filter(Layer.OUTBOUND_IPPACKET_V4, FilterAction.CALLOUT_TERMINATING, slow.key());
            assertThat(strict.path.indicate(Pkts.udp(1, 2, 3), Direction.OUTBOUND, null, Layer.OUTBOUND_IPPACKET_V4))
                    .isEqualTo(Verdict.BLOCK);
        }
    }

    @Test
    void aThrowingCalloutGetsItsFiltersFailureVerdictAndClassificationContinues() throws Exception {
        Sublayer hi = fx.engine.addSublayer(Sublayer.of("hi", 200)), lo = fx.engine.addSublayer(Sublayer.of("lo", 100));
        RegisteredCallout bad = fx.register((in, ctx, f, out) -> {
            out.setActionType(ActionType.BLOCK);
            out.setAbsorb(); // half-done absorb must not turn the failure into a silent drop
            throw new IllegalStateException("boom");
        });
        AtomicInteger lower = new AtomicInteger();
        RegisteredCallout after = fx.register((in, ctx, f, out) -> lower.incrementAndGet());
        fx.filter(Layer.OUTBOUND_IPPACKET_V4, hi, FilterAction.CALLOUT_TERMINATING, bad.key(), 0);
        fx.filter(Layer.OUTBOUND_IPPACKET_V4, lo, FilterAction.CALLOUT_INSPECTION, after.key(), 0);
        assertThat(fx.path.indicate(Pkts.udp(1, 2, 3), Direction.OUTBOUND, null, Layer.OUTBOUND_IPPACKET_V4)).isEqualTo(Verdict.BLOCK);
        assertThat(lower).hasValue(1);
        assertThat(bad.timing().failures()).isEqualTo(1);
        assertThat(fx.events).extracting(e -> e.type()).containsExactly(NetEventType.CALLOUT_FAILURE, NetEventType.CLASSIFY_DROP);
        assertThat(fx.path.indicate(Pkts.udp(1, 2, 3), Direction.OUTBOUND, null, Layer.OUTBOUND_IPPACKET_V4)).isEqualTo(Verdict.BLOCK);
        assertThat(bad.timing().failures()).isEqualTo(2);
    }

    @Test
    void aFailOpenFilterPermitsWhenItsCalloutThrows() throws Exception {
        RegisteredCallout bad = fx.register((in, ctx, f, out) -> { throw new StackOverflowError(); });
        fx.filter(Layer.OUTBOUND_IPPACKET_V4, Sublayer.UNIVERSAL, FilterAction.CALLOUT_TERMINATING, bad.key(),
                FilterFlags.PERMIT_IF_CALLOUT_UNREGISTERED);
        assertThat(fx.path.indicate(Pkts.udp(1, 2, 3), Direction.OUTBOUND, null, Layer.OUTBOUND_IPPACKET_V4)).isEqualTo(Verdict.PERMIT);
    }

    @Test
    void anOffsetLeftMovedIsRestoredAndCounted() throws Exception {
        int[] seen = new int[2];
        RegisteredCallout sloppy = fx.register((in, ctx, f, out) -> ((PacketView) ctx.layerData()).advance(4));
        RegisteredCallout next = fx.register((in, ctx, f, out) -> seen[0] = ((PacketView) ctx.layerData()).dataOffset());
        fx.filter(Layer.OUTBOUND_IPPACKET_V4, FilterAction.CALLOUT_INSPECTION, sloppy.key());
        fx.filter(Layer.OUTBOUND_IPPACKET_V4, FilterAction.CALLOUT_INSPECTION, next.key());
        fx.path.indicate(Pkts.udp(1, 2, 3), Direction.OUTBOUND, null, Layer.OUTBOUND_IPPACKET_V4);
        assertThat(seen[0]).isZero();
        assertThat(sloppy.timing().offsetViolations()).isEqualTo(1);
    }

    @Test
    void guardedClassifyAllocatesNothingInSteadyState() throws Exception {
        RegisteredCallout c = fx.register((in, ctx, f, out) -> out.permit());
        fx.filter(Layer.OUTBOUND_TRANSPORT_V4, FilterAction.CALLOUT_TERMINATING, c.key());
        IncomingValues in = new IncomingValues();
        ClassifyContext ctx = new ClassifyContext();
        ClassifyResult res = new ClassifyResult();
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) fx.engine.classify(Layer.OUTBOUND_TRANSPORT_V4, in, ctx, res); // warm up
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 10_000; i++) fx.engine.classify(Layer.OUTBOUND_TRANSPORT_V4, in, ctx, res);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertThat(allocated).isLessThan(1024);
        assertThat(c.timing().invocations()).isEqualTo(30_000);
    }
}
