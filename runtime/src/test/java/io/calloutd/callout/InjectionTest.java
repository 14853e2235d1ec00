package io.calloutd.callout;

import static io.calloutd.callout.InjectionState.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.engine.Direction;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Sublayer;
import io.calloutd.engine.Verdict;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Injection handles, tags, completion and deferral (§4; checks 31–35, 38). */
class InjectionTest {
    final Fixture fx = new Fixture();
    final Injector injector = fx.runtime.injector();

    @AfterEach void close() throws Exception { fx.close(); }

    @Test
    void check31_outOfBandInspectionReinjectsOnceWithoutLoop() throws Exception {
        InjectionHandle h = injector.createHandle(AddressFamily.INET, InjectionHandle.NETWORK);
        var oob = new SampleCallouts.OutOfBandInspection(h, fx.runtime.deferredWork());
        fx.filter(Layer.INBOUND_IPPACKET_V4, FilterAction.CALLOUT_TERMINATING, fx.register(oob).key());
        fx.path.reenter(InjectionType.NETWORK_RECEIVE, Direction.INBOUND, Layer.INBOUND_IPPACKET_V4);
        byte[] raw = Pkts.udp(5000, 53, 12);
        assertThat(fx.path.indicate(raw, Direction.INBOUND, null, Layer.INBOUND_IPPACKET_V4)).isEqualTo(Verdict.BLOCK);
        fx.drain();
        assertThat(fx.path.delivered).hasSize(1);
        assertThat(fx.path.delivered.get(0)).isEqualTo(raw);
        assertThat(fx.path.count(Layer.INBOUND_IPPACKET_V4)).isEqualTo(2);
        assertThat(oob.states).containsExactly(NOT_INJECTED, INJECTED_BY_SELF);
        assertThat(oob.completions).hasValue(1);
        assertThat(fx.path.injections.get(0).interfaceIndex()).isEqualTo(7); // the original's arrival interface
        assertThat(fx.events).isEmpty(); // absorbed: no drop event (check 29)
        assertThat(h.outstanding()).isZero();
    }

    @Test
    void check32_check38_twoHandlesSeeSelfOtherAndPreviouslySelf() throws Exception {
        Sublayer hi = fx.engine.addSublayer(Sublayer.of("high", 200)), lo = fx.engine.addSublayer(Sublayer.of("low", 100));
        InjectionHandle ha = injector.createHandle(AddressFamily.INET, InjectionHandle.NETWORK);
        InjectionHandle hb = injector.createHandle(AddressFamily.INET, InjectionHandle.NETWORK);
        var a = new SampleCallouts.OutOfBandInspection(ha, fx.runtime.deferredWork());
        var b = new SampleCallouts.OutOfBandInspection(hb, fx.runtime.deferredWork());
        fx.filter(Layer.INBOUND_IPPACKET_V4, hi, FilterAction.CALLOUT_TERMINATING, fx.register(a).key(), 0);
        fx.filter(Layer.INBOUND_IPPACKET_V4, lo, FilterAction.CALLOUT_TERMINATING, fx.register(b).key(), 0);
        fx.path.reenter(InjectionType.NETWORK_RECEIVE, Direction.INBOUND, Layer.INBOUND_IPPACKET_V4);
        byte[] raw = Pkts.udp(5000, 53, 12);
        fx.path.indicate(raw, Direction.INBOUND, null, Layer.INBOUND_IPPACKET_V4);
        fx.drain();
        assertThat(a.states).containsExactly(NOT_INJECTED, INJECTED_BY_SELF, PREVIOUSLY_INJECTED_BY_SELF);
        // b's first call races with a's worker re-entry, so only the multiset is deterministic.
        assertThat(b.states).containsExactlyInAnyOrder(NOT_INJECTED, INJECTED_BY_OTHER, INJECTED_BY_SELF);
        assertThat(a.absorbed).hasValue(1);
        assertThat(b.absorbed).hasValue(1); // check 38: not on the first indication (WRITE was cleared by a)
        assertThat(fx.path.delivered).hasSize(1);
        assertThat(fx.path.delivered.get(0)).isEqualTo(raw);
    }

    /** A clone of a fresh packet for direct inject calls, positioned at the IP header. */
    PacketClone cloneOf(byte[] raw, ByteBuf[] owner) {
        ByteBuf buf = fx.path.alloc.copyOf(raw);
        owner[0] = buf;
        ParsedPacket p = new ParsedPacket();
        new PacketParser().parse(buf, p);
        PacketView v = new PacketView();
        v.set(p, Layer.OUTBOUND_IPPACKET_V4, Direction.OUTBOUND);
        return v.clone();
    }

    @Test
    void check33_completionNeverAfterSynchronousFailureExactlyOnceAfterSuccess() {
        InjectionHandle h = injector.createHandle(AddressFamily.INET, InjectionHandle.NETWORK);
        AtomicInteger calls = new AtomicInteger();
        CalloutStatus[] last = new CalloutStatus[1];
        InjectionCompletion done = (ctx, pkt, s) -> { calls.incrementAndGet(); last[0] = s; };
        ByteBuf[] owner = new ByteBuf[1];
        PacketClone c = cloneOf(Pkts.udp(1, 2, 3), owner);
        fx.path.refuseWith = CalloutStatus.REFUSED;
        assertThat(h.injectNetworkSend(c, null, done)).isEqualTo(CalloutStatus.REFUSED);
        assertThat(h.injectNetworkSend(c, null, null)).isEqualTo(CalloutStatus.NULL_POINTER);
        fx.path.refuseWith = null;
        fx.path.holdCompletions = true;
        assertThat(h.injectNetworkSend(c, "ctx", done)).isEqualTo(CalloutStatus.SUCCESS);
        assertThat(calls).hasValue(0);
        assertThat(h.outstanding()).isEqualTo(1);
        var destroyed = h.destroy();
        assertThat(destroyed).isNotDone();
        assertThat(h.injectNetworkSend(c, null, done)).isEqualTo(CalloutStatus.INJECT_HANDLE_CLOSING);
        InjectedPacket p = fx.path.held.get(0);
        assertThat(p.complete(CalloutStatus.TCPIP_NOT_READY)).isTrue();
        assertThat(p.complete(CalloutStatus.SUCCESS)).isFalse();
        assertThat(calls).hasValue(1);
        assertThat(last[0]).isEqualTo(CalloutStatus.TCPIP_NOT_READY);
        assertThat(destroyed).isDone();
        assertThat(injector.synchronousFailures()).isEqualTo(3);
        c.free();
        owner[0].release();
    }

    @Test
    void handlesAreCheckedForTypeFamilyAndDataStart() {
        AtomicInteger calls = new AtomicInteger();
        InjectionCompletion done = (ctx, pkt, s) -> calls.incrementAndGet();
        ByteBuf[] owner = new ByteBuf[1];
        PacketClone c = cloneOf(Pkts.udp(1, 2, 3), owner);
        assertThat(injector.createHandle(AddressFamily.UNSPEC, 0).injectNetworkSend(c, null, done))
                .isEqualTo(CalloutStatus.INJECT_HANDLE_STALE);
        assertThat(injector.createHandle(AddressFamily.UNSPEC, InjectionHandle.NETWORK).injectNetworkSend(c, null, done))
                .isEqualTo(CalloutStatus.INJECT_HANDLE_STALE);
        assertThat(injector.createHandle(AddressFamily.INET6, InjectionHandle.NETWORK).injectNetworkSend(c, null, done))
                .isEqualTo(CalloutStatus.INJECT_HANDLE_STALE);
        InjectionHandle t = injector.createHandle(AddressFamily.UNSPEC, 0);
        assertThat(t.injectTransportSend(c, null, null, done)).isEqualTo(CalloutStatus.INVALID_PARAMETER); // at IP header
        c.advance(c.ipHeaderSize());
        assertThat(t.injectTransportSend(c, new TransportSendParams(new byte[4], 0), null, done)).isEqualTo(CalloutStatus.SUCCESS);
        assertThat(fx.path.injections.get(0).bytes()).hasSize(c.length() - c.ipHeaderSize()); // starts at the UDP header
        assertThat(calls).hasValue(1);
        c.free();
        owner[0].release();
    }

    @Test
    void check34_forwardInjectedPacketsAreNotClassifiedAgain() throws Exception {
        var insp = new SampleCallouts.InlineInspection();
        fx.filter(Layer.IPFORWARD_V4, FilterAction.CALLOUT_INSPECTION, fx.register(insp).key());
        fx.path.reenter(InjectionType.FORWARD, Direction.OUTBOUND, Layer.IPFORWARD_V4); // ignored: forward is final
        InjectionHandle h = injector.createHandle(AddressFamily.UNSPEC, InjectionHandle.FORWARD);
        ByteBuf[] owner = new ByteBuf[1];
        PacketClone c = cloneOf(Pkts.udp(1, 2, 3), owner);
        assertThat(h.injectForward(c, 3, null, (ctx, pkt, s) -> pkt.free())).isEqualTo(CalloutStatus.SUCCESS);
        assertThat(InjectionType.FORWARD.reclassified()).isFalse();
        assertThat(fx.path.injections.get(0).interfaceIndex()).isEqualTo(3);
        assertThat(insp.packets).hasValue(0);
        assertThat(fx.path.delivered).hasSize(1);
        owner[0].release();
    }

    @Test
    void check35_tcpInjectedFromATransportClassifyIsDeferredOffTheClassifyStack() throws Exception {
        InjectionHandle h = injector.createHandle(AddressFamily.INET, 0);
        UUID key = fx.register((in, ctx, f, out) -> {
            PacketView v = (PacketView) ctx.layerData();
            if (h.state(v).isSelf() || !out.hasWriteRight()) return;
            PacketClone c = v.clone();
            c.retreat(c.dataOffset());
            out.block();
            out.setAbsorb();
            if (h.injectTransportReceive(c, 0, 0, null, (o, p, s) -> p.free()) != CalloutStatus.SUCCESS) c.free();
        }).key();
        fx.filter(Layer.INBOUND_TRANSPORT_V4, FilterAction.CALLOUT_TERMINATING, key);
        Thread classifier = Thread.currentThread();
        fx.path.indicate(Pkts.tcp(80, 40000, 5), Direction.INBOUND, null, Layer.INBOUND_TRANSPORT_V4);
        fx.path.indicate(Pkts.udp(53, 40000, 5), Direction.INBOUND, null, Layer.INBOUND_TRANSPORT_V4);
        fx.drain();
        assertThat(fx.path.injections).hasSize(2);
        MiniPath.Injection tcp = fx.path.injections.stream().filter(i -> i.bytes()[9] == 6).findFirst().orElseThrow();
        MiniPath.Injection udp = fx.path.injections.stream().filter(i -> i.bytes()[9] == 17).findFirst().orElseThrow();
        assertThat(tcp.thread()).isNotSameAs(classifier);
        assertThat(tcp.thread().getName()).startsWith("calloutd-deferred-");
        assertThat(tcp.onClassifyStack()).isFalse();
        assertThat(Arrays.stream(tcp.stack()).map(StackTraceElement::getClassName))
                .doesNotContain(GuardedCallout.class.getName(), io.calloutd.engine.FilterEngine.class.getName());
        assertThat(udp.thread()).isSameAs(classifier); // only TCP must leave the classify stack
        assertThat(udp.onClassifyStack()).isTrue();
        assertThat(injector.deferredInjections()).isEqualTo(1);
    }
}
