package io.calloutd.classify;

import static io.calloutd.flow.FlowPackets.ACK;
import static io.calloutd.flow.FlowPackets.RST;
import static io.calloutd.flow.FlowPackets.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.callout.CalloutRegistration;
import io.calloutd.callout.CalloutStatus;
import io.calloutd.callout.ClassifyHandle;
import io.calloutd.callout.InjectionHandle;
import io.calloutd.callout.InjectionState;
import io.calloutd.callout.PacketClone;
import io.calloutd.callout.PacketView;
import io.calloutd.callout.PendResult;
import io.calloutd.callout.Pended;
import io.calloutd.callout.RegisteredCallout;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.ConditionFlags;
import io.calloutd.engine.Field;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import io.calloutd.engine.NetEventType;
import io.calloutd.flow.FlowPackets;
import io.calloutd.testkit.CalloutTestPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pending (§5, checks 41-46) on real packets through the real pipeline, completions from other threads. */
class PendingChecksTest {
    static final String HOST = "198.18.1.2", PEER = "198.18.2.2";
    static final byte[] SYN_OUT = FlowPackets.tcp(HOST, 40000, PEER, 80, SYN, 1, 0, 0);
    static final byte[] SYNACK_IN = FlowPackets.tcp(PEER, 80, HOST, 40000, SYN | ACK, 100, 2, 0);
    static final byte[] SYN_IN = FlowPackets.tcp(PEER, 50000, HOST, 22, SYN, 7, 0, 0);
    static final byte[] SYNACK_OUT = FlowPackets.tcp(HOST, 22, PEER, 50000, SYN | ACK, 900, 8, 0);
    static final byte[] ACK_IN = FlowPackets.tcp(PEER, 50000, HOST, 22, ACK, 8, 901, 0);

    final CalloutTestPath h = CalloutTestPath.create();
    /** Every classification: layer, flags and reauthorization reason. */
    final List<String> trace = new CopyOnWriteArrayList<>();

    @BeforeEach
    void observe() {
        h.classifier().observer((layer, flags, in, result, meta) -> trace.add(layer + (flags == 0 ? "" : "/" + flags)
                + (meta.reauthorizeReason() == 0 ? "" : "/reason" + meta.reauthorizeReason())));
    }

    @AfterEach
    void close() {
        h.close();
        assertThat(h.counters().unaccounted()).isZero();
    }

    static boolean reauth(IncomingValues in) {
        return (in.low(Field.FLAGS) & ConditionFlags.IS_REAUTHORIZE) != 0;
    }

    /** Pends the initial AUTH_CONNECT; answers the completion's reauthorization with {@link #allow}. */
    static final class PendingConnect implements io.calloutd.engine.Callout {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final AtomicReference<Pended> pended = new AtomicReference<>();
        volatile boolean allow;
        volatile CalloutStatus pendDuringReauth;

        @Override
        public void classify(IncomingValues in, ClassifyContext ctx, io.calloutd.engine.Filter f, ClassifyOut out) {
            if (reauth(in)) {
                calls.add("reauth reason " + in.low(Field.REAUTHORIZE_REASON));
                pendDuringReauth = ClassifyHandle.of(ctx).pendOperation(ctx, f, out).status();
                if (allow) {
                    out.permit();
                } else {
                    out.block();
                }
                return;
            }
            calls.add("initial");
            PendResult r = ClassifyHandle.of(ctx).pendOperation(ctx, f, out);
            assertThat(r.status()).isEqualTo(CalloutStatus.SUCCESS);
            assertThat(out.actionType()).isEqualTo(io.calloutd.engine.ActionType.BLOCK);
            assertThat(out.flags() & ClassifyOut.FLAG_ABSORB).isNotZero();
            pended.set(r.pended());
        }
    }

    private CalloutStatus completeFromWorker(java.util.function.Supplier<CalloutStatus> completion) throws Exception {
        AtomicReference<CalloutStatus> s = new AtomicReference<>();
        Thread t = new Thread(() -> s.set(completion.get()), "completer");
        t.start();
        t.join();
        return s.get();
    }

    @Test
    void check41_pendedConnectIsReauthorizedOnCompletionAndNoSynLeavesBeforeIt() throws Exception {
        PendingConnect c = new PendingConnect();
        c.allow = true;
        h.register(c, FilterAction.CALLOUT_TERMINATING, Layer.ALE_AUTH_CONNECT_V4);

        h.outbound(SYN_OUT);
        h.outbound(SYN_OUT); // a retransmission while pended: dropped, the pend stands

        assertThat(h.sent()).isEmpty();
        assertThat(h.classifier().pendedCount()).isEqualTo(1);
        assertThat(h.classifier().counters().pendedFlowDrops()).isEqualTo(1);
        assertThat(trace).containsExactly("ALE_BIND_REDIRECT_V4", "ALE_CONNECT_REDIRECT_V4", "ALE_AUTH_CONNECT_V4");
        trace.clear();
        Thread.sleep(50);
        assertThat(h.sent()).isEmpty(); // still nothing without a completion

        assertThat(completeFromWorker(() -> c.pended.get().complete())).isEqualTo(CalloutStatus.SUCCESS);
        assertThat(h.runPacketThreadUntil(() -> h.sent().size() == 1, 5000)).isTrue();

        assertThat(h.sent()).containsExactly(SYN_OUT); // byte-identical, once
        assertThat(c.calls).containsExactly("initial", "reauth reason " + ReauthorizeReason.CLASSIFY_COMPLETION);
        int reauth = ConditionFlags.IS_REAUTHORIZE;
        assertThat(trace).containsExactly("ALE_AUTH_CONNECT_V4/" + reauth + "/reason" + ReauthorizeReason.CLASSIFY_COMPLETION,
                "OUTBOUND_TRANSPORT_V4", "OUTBOUND_IPPACKET_V4");
        assertThat(c.pended.get().complete()).isEqualTo(CalloutStatus.UNSUCCESSFUL); // exactly once
        // The flow is authorized now: the SYN-ACK passes without another ALE classify.
        trace.clear();
        h.inbound(SYNACK_IN);
        assertThat(h.received()).containsExactly(SYNACK_IN);
        assertThat(trace).doesNotContain("ALE_AUTH_CONNECT_V4");
        assertThat(h.classifier().counters().pendCompletions()).isEqualTo(1);
        assertThat(h.counters().resumed()).isEqualTo(1);
    }

    @Test
    void check41_deniedOnCompletionTheHeldSynNeverLeaves() throws Exception {
        PendingConnect c = new PendingConnect();
        c.allow = false;
        h.register(c, FilterAction.CALLOUT_TERMINATING, Layer.ALE_AUTH_CONNECT_V4);
        h.outbound(SYN_OUT);
        completeFromWorker(() -> c.pended.get().complete());
        assertThat(h.runPacketThreadUntil(() -> c.calls.size() == 2, 5000)).isTrue();

        assertThat(h.sent()).isEmpty();
        assertThat(h.classifier().pendedCount()).isZero();
        assertThat(h.classifier().counters().authorizationBlocks()).isEqualTo(1);
        assertThat(h.classifier().flows().size()).isZero(); // aborted: the next SYN is authorized afresh
    }

    @Test
    void check41_pendedUdpConnectReleasesTheHeldDatagramAndEstablishesTheFlowAfterCompletion() throws Exception {
        PendingConnect c = new PendingConnect();
        c.allow = true;
        h.register(c, FilterAction.CALLOUT_TERMINATING, Layer.ALE_AUTH_CONNECT_V4);
        byte[] first = FlowPackets.udp(HOST, 4000, PEER, 7000, 30), second = FlowPackets.udp(HOST, 4000, PEER, 7000, 31);
        h.outbound(first);
        h.outbound(second); // while pended: dropped (§5.2)
        assertThat(trace).doesNotContain("ALE_FLOW_ESTABLISHED_V4");
        trace.clear();

        completeFromWorker(() -> c.pended.get().complete());
        assertThat(h.runPacketThreadUntil(() -> h.sent().size() == 1, 5000)).isTrue();

        assertThat(h.sent()).containsExactly(first);
        int reauth = ConditionFlags.IS_REAUTHORIZE;
        assertThat(trace).containsExactly("ALE_AUTH_CONNECT_V4/" + reauth + "/reason" + ReauthorizeReason.CLASSIFY_COMPLETION,
                "ALE_FLOW_ESTABLISHED_V4", "DATAGRAM_DATA_V4", "OUTBOUND_TRANSPORT_V4", "OUTBOUND_IPPACKET_V4");
        h.outbound(second);
        assertThat(h.sent()).containsExactly(first, second);
        assertThat(h.classifier().counters().pendedFlowDrops()).isEqualTo(1);
    }

    @Test
    void recvAcceptCompletedWithoutACloneIsReauthorizedAndReleasesTheHeldSyn() throws Exception {
        PendingConnect c = new PendingConnect(); // the same logic works at RECV_ACCEPT
        c.allow = true;
        h.register(c, FilterAction.CALLOUT_TERMINATING, Layer.ALE_AUTH_RECV_ACCEPT_V4);
        h.inbound(SYN_IN);
        assertThat(h.received()).isEmpty();
        trace.clear();

        completeFromWorker(() -> c.pended.get().complete());
        assertThat(h.runPacketThreadUntil(() -> h.received().size() == 1, 5000)).isTrue();

        assertThat(h.received()).containsExactly(SYN_IN);
        int reauth = ConditionFlags.IS_REAUTHORIZE;
        // The packet layers saw the SYN before the pend; the resumed walk starts at RECV_ACCEPT.
        assertThat(trace).containsExactly("ALE_AUTH_RECV_ACCEPT_V4/" + reauth + "/reason" + ReauthorizeReason.CLASSIFY_COMPLETION);
        h.outbound(SYNACK_OUT);
        h.inbound(ACK_IN);
        assertThat(trace).contains("ALE_FLOW_ESTABLISHED_V4");
        assertThat(h.received()).containsExactly(SYN_IN, ACK_IN);
    }

    @Test
    void check42_pendDuringAReauthorizationFailsWithCannotPend() throws Exception {
        PendingConnect c = new PendingConnect();
        c.allow = true;
        h.register(c, FilterAction.CALLOUT_TERMINATING, Layer.ALE_AUTH_CONNECT_V4);
        h.outbound(SYN_OUT);
        completeFromWorker(() -> c.pended.get().complete());
        assertThat(h.runPacketThreadUntil(() -> h.sent().size() == 1, 5000)).isTrue();
        // The completion's reauthorization could not pend ...
        assertThat(c.pendDuringReauth).isEqualTo(CalloutStatus.CANNOT_PEND);
        // ... nor can a policy-change reauthorization (§5.2).
        c.pendDuringReauth = null;
        io.calloutd.engine.Sublayer low = h.engine().addSublayer(io.calloutd.engine.Sublayer.of("low", 1));
        h.engine().addFilter(FilterSpec.builder(Layer.ALE_AUTH_CONNECT_V4).sublayer(low).action(FilterAction.PERMIT).build());
        h.inbound(SYNACK_IN);
        assertThat(c.calls).last().isEqualTo("reauth reason " + ReauthorizeReason.POLICY_CHANGE);
        assertThat(c.pendDuringReauth).isEqualTo(CalloutStatus.CANNOT_PEND);
        assertThat(h.received()).containsExactly(SYNACK_IN);
        assertThat(h.classifier().pendedCount()).isZero();
    }

    /** Pends the initial RECV_ACCEPT with a clone of the SYN; a worker completes with the clone and injects it or not. */
    static final class PendingAccept implements io.calloutd.engine.Callout {
        final InjectionHandle handle;
        final boolean inject;
        final List<String> calls = new CopyOnWriteArrayList<>();
        final AtomicInteger completions = new AtomicInteger();
        final List<CalloutStatus> statuses = new CopyOnWriteArrayList<>();

        PendingAccept(InjectionHandle handle, boolean inject) {
            this.handle = handle;
            this.inject = inject;
        }

        @Override
        public void classify(IncomingValues in, ClassifyContext ctx, io.calloutd.engine.Filter f, ClassifyOut out) {
            PacketView v = (PacketView) ctx.layerData();
            InjectionState st = handle.state(v);
            calls.add(st + (reauth(in) ? " reauth" : ""));
            if (st.isSelf()) {
                out.permit();
                return;
            }
            PacketClone clone = v.clone();
            PendResult r = ClassifyHandle.of(ctx).pendOperation(ctx, f, out);
            if (!r.ok()) {
                clone.free();
                out.block();
                return;
            }
            new Thread(() -> {
                statuses.add(r.pended().complete(clone));
                if (!inject) {
                    clone.free(); // refuse: complete, then discard (§5.1)
                    return;
                }
                clone.retreat(clone.dataOffset());
                statuses.add(handle.injectTransportReceive(clone, clone.interfaceIndex(), 0, null, (o, p, s) -> {
                    completions.incrementAndGet();
                    p.free();
                }));
            }, "acceptor").start();
        }
    }

    @Test
    void check43_recvAcceptCompletedWithAnInjectedCloneIsAuthorizedWithoutReauthorization() throws Exception {
        PendingAccept c = new PendingAccept(h.handle(InjectionHandle.TRANSPORT), true);
        h.register(c, FilterAction.CALLOUT_TERMINATING, Layer.ALE_AUTH_RECV_ACCEPT_V4);

        h.inbound(SYN_IN);
        assertThat(h.runPacketThreadUntil(() -> c.completions.get() == 1, 5000)).isTrue();

        assertThat(c.statuses).containsExactly(CalloutStatus.SUCCESS, CalloutStatus.SUCCESS);
        assertThat(h.received()).containsExactly(SYN_IN); // the clone, once
        assertThat(c.calls).containsExactly("NOT_INJECTED", "INJECTED_BY_SELF"); // no reauthorization
        assertThat(trace).noneMatch(t -> t.contains("/reason"));
        trace.clear();
        h.outbound(SYNACK_OUT);
        assertThat(trace).doesNotContain("ALE_FLOW_ESTABLISHED_V4");
        h.inbound(ACK_IN);
        assertThat(trace).contains("ALE_FLOW_ESTABLISHED_V4"); // after the final ACK (§1.7)
        assertThat(h.sent()).containsExactly(SYNACK_OUT);
        assertThat(h.received()).containsExactly(SYN_IN, ACK_IN);
    }

    @Test
    void check44_recvAcceptCompletedWithoutInjectionIsNeitherDeliveredNorEstablished() throws Exception {
        PendingAccept c = new PendingAccept(h.handle(InjectionHandle.TRANSPORT), false);
        h.register(c, FilterAction.CALLOUT_TERMINATING, Layer.ALE_AUTH_RECV_ACCEPT_V4);

        h.inbound(SYN_IN);
        assertThat(h.runPacketThreadUntil(() -> h.classifier().pendedCount() == 0 && c.statuses.size() == 1, 5000)).isTrue();

        assertThat(c.statuses).containsExactly(CalloutStatus.SUCCESS);
        assertThat(h.received()).isEmpty();
        assertThat(c.calls).containsExactly("NOT_INJECTED");
        assertThat(trace).doesNotContain("ALE_FLOW_ESTABLISHED_V4");
        assertThat(h.classifier().flows().size()).isZero();
    }

    @Test
    void check45_pendingAtStreamTransportAndFlowEstablishedReturnsCannotPend() throws Exception {
        List<String> statuses = Collections.synchronizedList(new ArrayList<>());
        h.register((in, ctx, f, out) -> {
            ClassifyHandle hd = ClassifyHandle.of(ctx);
            ClassifyOut scratch = new ClassifyOut();
            statuses.add(ctx.layer() + " " + hd.pendClassify(ctx, f, scratch).status() + " "
                    + hd.pendOperation(ctx, f, scratch).status());
            assertThat(scratch.actionType()).isEqualTo(io.calloutd.engine.ActionType.CONTINUE); // untouched
        }, FilterAction.CALLOUT_INSPECTION, Layer.STREAM_V4, Layer.INBOUND_TRANSPORT_V4, Layer.OUTBOUND_TRANSPORT_V4,
                Layer.ALE_FLOW_ESTABLISHED_V4);

        h.outbound(SYN_OUT);
        h.inbound(SYNACK_IN);
        byte[] ack = FlowPackets.tcp(HOST, 40000, PEER, 80, ACK, 2, 101, 10);
        h.outbound(ack);

        assertThat(statuses).containsExactlyInAnyOrder(
                "OUTBOUND_TRANSPORT_V4 CANNOT_PEND CANNOT_PEND", "INBOUND_TRANSPORT_V4 CANNOT_PEND CANNOT_PEND",
                "ALE_FLOW_ESTABLISHED_V4 CANNOT_PEND CANNOT_PEND", "STREAM_V4 CANNOT_PEND CANNOT_PEND",
                "OUTBOUND_TRANSPORT_V4 CANNOT_PEND CANNOT_PEND");
        assertThat(h.sent()).containsExactly(SYN_OUT, ack);
        assertThat(h.classifier().pendedCount()).isZero();
    }

    /** Associates a context at FLOW_ESTABLISHED (through the classify context) and pends ENDPOINT_CLOSURE. */
    private List<Long> closureScenario(java.util.function.Function<Pended, CalloutStatus> completion) throws Exception {
        List<Long> deleted = new CopyOnWriteArrayList<>();
        AtomicInteger id = new AtomicInteger();
        AtomicReference<Pended> pended = new AtomicReference<>();
        List<CalloutStatus> associated = new ArrayList<>();
        UUID key = UUID.randomUUID();
        RegisteredCallout reg = h.register(CalloutRegistration.builder(key).name("closure").classify((in, ctx, f, out) -> {
            if (ctx.layer() == Layer.ALE_FLOW_ESTABLISHED_V4) {
                associated.add(h.runtime().registry().associateContext(ctx, Layer.STREAM_V4, id.get(), 42));
            } else if (!reauth(in)) {
                PendResult r = ClassifyHandle.of(ctx).pendClassify(ctx, f, out);
                assertThat(r.ok()).isTrue();
                pended.set(r.pended());
            }
        }).flowDelete((layer, callout, context) -> deleted.add(context)).build(), FilterAction.CALLOUT_INSPECTION,
                Layer.ALE_FLOW_ESTABLISHED_V4, Layer.ALE_ENDPOINT_CLOSURE_V4);
        id.set(reg.id());

        h.outbound(SYN_OUT);
        h.inbound(SYNACK_IN);
        h.outbound(FlowPackets.tcp(HOST, 40000, PEER, 80, ACK, 2, 101, 0));
        assertThat(associated).containsExactly(CalloutStatus.SUCCESS);
        trace.clear();
        h.inbound(FlowPackets.tcp(PEER, 80, HOST, 40000, RST, 101, 0, 0)); // the flow ends: ENDPOINT_CLOSURE pended

        assertThat(pended.get()).isNotNull();
        assertThat(deleted).isEmpty(); // the teardown waits for the completion
        assertThat(h.runtime().registry().unregister(key)).isEqualTo(CalloutStatus.DEVICE_BUSY);
        assertThat(completeFromWorker(() -> completion.apply(pended.get()))).isEqualTo(CalloutStatus.SUCCESS);
        assertThat(h.runPacketThreadUntil(() -> !deleted.isEmpty(), 5000)).isTrue();
        assertThat(h.runtime().registry().unregister(key)).isEqualTo(CalloutStatus.SUCCESS);
        return deleted;
    }

    @Test
    void check46_pendedEndpointClosureHoldsTheTeardownAndANullCompletionReauthorizes() throws Exception {
        List<Long> deleted = closureScenario(Pended::complete);
        assertThat(deleted).containsExactly(42L); // flowDelete exactly once
        int reauth = ConditionFlags.IS_REAUTHORIZE;
        assertThat(trace).filteredOn(t -> t.startsWith("ALE_ENDPOINT_CLOSURE")).containsExactly("ALE_ENDPOINT_CLOSURE_V4",
                "ALE_ENDPOINT_CLOSURE_V4/" + reauth + "/reason" + ReauthorizeReason.CLASSIFY_COMPLETION);
    }

    @Test
    void check46_closureCompletedWithAFinalClassifyOutTakesItWithoutReauthorization() throws Exception {
        ClassifyOut fin = new ClassifyOut();
        fin.permit();
        List<Long> deleted = closureScenario(p -> p.complete(fin));
        assertThat(deleted).containsExactly(42L);
        assertThat(trace).filteredOn(t -> t.startsWith("ALE_ENDPOINT_CLOSURE")).containsExactly("ALE_ENDPOINT_CLOSURE_V4");
    }

    @Test
    void aFullPendTableRefusesFurtherPendsAndTheCalloutBlocks() throws Exception {
        h.classifier().pendCapacity(1);
        List<CalloutStatus> statuses = new CopyOnWriteArrayList<>();
        h.register((in, ctx, f, out) -> {
            PendResult r = ClassifyHandle.of(ctx).pendOperation(ctx, f, out);
            statuses.add(r.status());
            if (!r.ok()) {
                out.block(); // §5.2: a failed pend is a hard BLOCK without ABSORB
            }
        }, FilterAction.CALLOUT_TERMINATING, Layer.ALE_AUTH_CONNECT_V4);

        h.outbound(SYN_OUT);
        h.outbound(FlowPackets.tcp(HOST, 40001, PEER, 80, SYN, 1, 0, 0));

        assertThat(statuses).containsExactly(CalloutStatus.SUCCESS, CalloutStatus.INSUFFICIENT_RESOURCES);
        assertThat(h.classifier().counters().pendTableFull()).isEqualTo(1);
        assertThat(h.classifier().counters().authorizationBlocks()).isEqualTo(1);
        assertThat(h.classifier().pendedCount()).isEqualTo(1);
        assertThat(h.netEvents()).filteredOn(e -> e.type() == NetEventType.CLASSIFY_DROP).hasSize(1); // the refused one
        assertThat(h.sent()).isEmpty();
    }

    @Test
    void pendNeverCompletedTimesOutWithANetEventAndACounter() throws Exception {
        h.classifier().pendTimeout(Duration.ofMillis(100));
        PendingConnect c = new PendingConnect();
        h.register(c, FilterAction.CALLOUT_TERMINATING, Layer.ALE_AUTH_CONNECT_V4);
        h.outbound(SYN_OUT);
        assertThat(h.classifier().pendedCount()).isEqualTo(1);

        // No packet follows: the timer alone wakes the packet thread.
        assertThat(h.runPacketThreadUntil(() -> h.classifier().pendedCount() == 0, 5000)).isTrue();

        assertThat(h.sent()).isEmpty();
        assertThat(h.classifier().counters().pendTimeouts()).isEqualTo(1);
        assertThat(h.netEvents()).filteredOn(e -> e.type() == NetEventType.PEND_TIMEOUT).singleElement()
                .satisfies(e -> assertThat(e.layer()).isEqualTo(Layer.ALE_AUTH_CONNECT_V4));
        assertThat(c.pended.get().complete()).isEqualTo(CalloutStatus.TIMEOUT);
        assertThat(h.classifier().flows().size()).isZero();
        // The retransmitted SYN starts over with a fresh initial authorization.
        h.outbound(SYN_OUT);
        assertThat(c.calls).containsExactly("initial", "initial");
    }
}
