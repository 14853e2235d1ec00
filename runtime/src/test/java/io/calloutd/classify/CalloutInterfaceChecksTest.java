package io.calloutd.classify;

import static io.calloutd.flow.FlowPackets.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.callout.CalloutFlags;
import io.calloutd.callout.CalloutRegistration;
import io.calloutd.callout.CalloutStatus;
import io.calloutd.callout.ClassifyHandle;
import io.calloutd.callout.InjectionHandle;
import io.calloutd.callout.InjectionState;
import io.calloutd.callout.PacketClone;
import io.calloutd.callout.PacketView;
import io.calloutd.callout.PendResult;
import io.calloutd.callout.RegisteredCallout;
import io.calloutd.callout.TransportSendParams;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Field;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.Layer;
import io.calloutd.engine.NetEventType;
import io.calloutd.engine.Sublayer;
import io.calloutd.engine.ValueType;
import io.calloutd.flow.FlowPackets;
import io.calloutd.testkit.CalloutTestPath;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.UdpPacket;

/** The remaining callout-interface checks (25, 27, 30, 37, 38, 40, 47) on real packets through the real pipeline. */
class CalloutInterfaceChecksTest {
    static final String HOST = "198.18.1.2", PEER = "198.18.2.2", OTHER = "198.18.3.3";
    final CalloutTestPath h = CalloutTestPath.create();
    final List<String> trace = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        h.close();
        assertThat(h.counters().unaccounted()).isZero();
    }

    @Test
    void check25_conditionalOnFlowBehindTerminatingIsNotMatchedForFlowsWithoutItsContext() throws Exception {
        AtomicInteger invoked = new AtomicInteger();
        RegisteredCallout conditional = h.register(CalloutRegistration.builder(UUID.randomUUID()).name("conditional")
                .flags(CalloutFlags.CONDITIONAL_ON_FLOW)
                .classify((in, ctx, f, out) -> {
                    invoked.incrementAndGet();
                    out.block();
                }).flowDelete((l, c, v) -> { }).build(), FilterAction.CALLOUT_TERMINATING, Layer.DATAGRAM_DATA_V4);
        // A second callout gives flows to port 53 a context for the first one, through the classify context only.
        List<CalloutStatus> associated = new CopyOnWriteArrayList<>();
        h.register((in, ctx, f, out) -> {
            if (in.low(Field.IP_REMOTE_PORT) == 53) {
                associated.add(h.runtime().registry().associateContext(ctx, Layer.DATAGRAM_DATA_V4, conditional.id(), 7));
            }
        }, FilterAction.CALLOUT_INSPECTION, Layer.ALE_FLOW_ESTABLISHED_V4);

        byte[] toOther = FlowPackets.udp(HOST, 4000, PEER, 54, 10), toDns = FlowPackets.udp(HOST, 4000, PEER, 53, 10);
        h.outbound(toOther);
        h.outbound(toDns);

        assertThat(associated).containsExactly(CalloutStatus.SUCCESS);
        assertThat(h.sent()).containsExactly(toOther); // skipped = not matched, not the terminating BLOCK
        assertThat(invoked).hasValue(1);
        assertThat(conditional.timing().skipped()).isEqualTo(1);
    }

    @Test
    void check27_ipv4ValuesAreHostOrderAndIpv6AddressesSixteenNetworkOrderBytes() throws Exception {
        List<long[]> seen = new CopyOnWriteArrayList<>();
        List<ValueType> types = new CopyOnWriteArrayList<>();
        h.register((in, ctx, f, out) -> {
            seen.add(new long[] {in.high(Field.IP_REMOTE_ADDRESS), in.low(Field.IP_REMOTE_ADDRESS),
                in.low(Field.IP_LOCAL_ADDRESS), in.low(Field.IP_REMOTE_PORT), in.low(Field.IP_LOCAL_PORT)});
            types.add(in.type(Field.IP_REMOTE_ADDRESS));
        }, FilterAction.CALLOUT_INSPECTION, Layer.INBOUND_TRANSPORT_V4, Layer.INBOUND_TRANSPORT_V6);

        h.inbound(FlowPackets.udp(PEER, 0x1234, HOST, 0x0102, 8));
        h.inbound(FlowPackets.udp("fd00::2:2", 443, "fd00::1:2", 40000, 8));

        assertThat(types).containsExactly(ValueType.UINT32, ValueType.BYTE_ARRAY16);
        // 198.18.2.2 = 0xC6120202 read as a host-order number; ports as numbers, not byte-swapped.
        assertThat(seen.get(0)[1]).isEqualTo(0xC6120202L);
        assertThat(seen.get(0)[2]).isEqualTo(0xC6120102L);
        assertThat(seen.get(0)[3]).isEqualTo(0x1234);
        assertThat(seen.get(0)[4]).isEqualTo(0x0102);
        ByteBuffer v6 = ByteBuffer.wrap(InetAddress.getByName("fd00::2:2").getAddress()); // network order
        assertThat(seen.get(1)[0]).isEqualTo(v6.getLong(0));
        assertThat(seen.get(1)[1]).isEqualTo(v6.getLong(8));
        assertThat(seen.get(1)[3]).isEqualTo(443);
    }

    @Test
    void check30_absorbAtADiscardLayerHasNoEffect() throws Exception {
        h.engine().addFilter(FilterSpec.builder(Layer.INBOUND_TRANSPORT_V4).action(FilterAction.BLOCK).build());
        AtomicInteger invoked = new AtomicInteger();
        h.register((in, ctx, f, out) -> {
            invoked.incrementAndGet();
            out.block();
            out.setAbsorb();
        }, FilterAction.CALLOUT_TERMINATING, Layer.INBOUND_TRANSPORT_V4_DISCARD);

        h.inbound(FlowPackets.udp(PEER, 7000, HOST, 4000, 8));

        assertThat(invoked).hasValue(1);
        assertThat(h.received()).isEmpty();
        // Not absorbed: the drop is still reported (an absorb would have suppressed the event, check 29).
        assertThat(h.netEvents()).filteredOn(e -> e.type() == NetEventType.CLASSIFY_DROP).singleElement()
                .satisfies(e -> assertThat(e.layer()).isEqualTo(Layer.INBOUND_TRANSPORT_V4));
    }

    @Test
    void check37_permitWrittenWithoutWriteIsIgnored() throws Exception {
        Sublayer high = h.engine().addSublayer(Sublayer.of("H", 200)), low = h.engine().addSublayer(Sublayer.of("L", 100));
        h.engine().addFilter(FilterSpec.builder(Layer.INBOUND_TRANSPORT_V4).sublayer(high).action(FilterAction.BLOCK).build());
        UUID key = UUID.randomUUID();
        List<Boolean> write = new CopyOnWriteArrayList<>();
        h.runtime().registry().register(CalloutRegistration.builder(key).name("naive").classify((in, ctx, f, out) -> {
            write.add(out.hasWriteRight());
            out.permit(); // ignoring the missing right
        }).build());
        h.engine().addFilter(FilterSpec.builder(Layer.INBOUND_TRANSPORT_V4).sublayer(low)
                .callout(FilterAction.CALLOUT_TERMINATING, key).build());

        h.inbound(FlowPackets.udp(PEER, 7000, HOST, 4000, 8));

        assertThat(write).containsExactly(false);
        assertThat(h.received()).isEmpty(); // the hard BLOCK stands
    }

    @Test
    void check38_lowerCalloutWithoutWriteCannotPendAndSeesTheCloneAsInjectedByOther() throws Exception {
        Sublayer high = h.engine().addSublayer(Sublayer.of("H", 200)), low = h.engine().addSublayer(Sublayer.of("L", 100));
        InjectionHandle handleA = h.handle(InjectionHandle.TRANSPORT), handleB = h.handle(InjectionHandle.TRANSPORT);
        AtomicInteger completions = new AtomicInteger();
        UUID a = UUID.randomUUID(), b = UUID.randomUUID();
        h.runtime().registry().register(CalloutRegistration.builder(a).name("A").classify((in, ctx, f, out) -> {
            PacketView v = (PacketView) ctx.layerData();
            if (handleA.state(v).isSelf()) {
                out.permit();
                return;
            }
            PacketClone clone = v.clone();
            PendResult r = ClassifyHandle.of(ctx).pendOperation(ctx, f, out); // BLOCK + ABSORB, WRITE cleared
            new Thread(() -> {
                r.pended().complete(clone);
                clone.retreat(clone.dataOffset());
                handleA.injectTransportReceive(clone, clone.interfaceIndex(), 0, null, (o, p, s) -> {
                    completions.incrementAndGet();
                    p.free();
                });
            }).start();
        }).build());
        List<String> seenByB = new CopyOnWriteArrayList<>();
        h.runtime().registry().register(CalloutRegistration.builder(b).name("B").classify((in, ctx, f, out) -> {
            InjectionState st = handleB.state((PacketView) ctx.layerData());
            boolean write = out.hasWriteRight();
            if (st != InjectionState.NOT_INJECTED) { // someone's clone: act on it as a new indication
                seenByB.add(st + " write=" + write);
                out.permit();
                return;
            }
            PendResult r = ClassifyHandle.of(ctx).pendOperation(ctx, f, out); // a careless callout tries anyway
            seenByB.add(st + " write=" + write + " " + r.status());
            if (r.ok()) {
                r.pended().complete();
            }
        }).build());
        h.engine().addFilter(FilterSpec.builder(Layer.ALE_AUTH_RECV_ACCEPT_V4).sublayer(high)
                .callout(FilterAction.CALLOUT_TERMINATING, a).build());
        h.engine().addFilter(FilterSpec.builder(Layer.ALE_AUTH_RECV_ACCEPT_V4).sublayer(low)
                .callout(FilterAction.CALLOUT_TERMINATING, b).build());

        byte[] syn = FlowPackets.tcp(PEER, 50000, HOST, 22, SYN, 7, 0, 0);
        h.inbound(syn);
        assertThat(h.runPacketThreadUntil(() -> completions.get() == 1, 5000)).isTrue();

        // The original: WRITE absent, the pend refused (§1.6.4). The clone: a new indication, INJECTED_BY_OTHER for B,
        // with WRITE (A permitted its own clone softly).
        assertThat(seenByB).containsExactly("NOT_INJECTED write=false CANNOT_PEND", "INJECTED_BY_OTHER write=true");
        assertThat(h.received()).containsExactly(syn);
    }

    @Test
    void check40_sendInjectionToANewRemoteAuthorizesTheNewTupleBeforeDatagramData() throws Exception {
        InjectionHandle handle = h.handle(InjectionHandle.TRANSPORT);
        AtomicInteger completions = new AtomicInteger();
        byte[] other = InetAddress.getByName(OTHER).getAddress();
        h.register((in, ctx, f, out) -> {
            PacketView v = (PacketView) ctx.layerData();
            if (handle.state(v).isSelf()) {
                out.permit();
                return;
            }
            PacketClone clone = v.clone(); // outbound DATAGRAM_DATA: at the UDP header, as transport send wants
            out.block();
            out.setAbsorb();
            CalloutStatus s = handle.injectTransportSend(clone, new TransportSendParams(other, 0), null, (o, p, st) -> {
                completions.incrementAndGet();
                p.free();
            });
            assertThat(s).isEqualTo(CalloutStatus.SUCCESS);
        }, FilterAction.CALLOUT_TERMINATING, Layer.DATAGRAM_DATA_V4);
        h.classifier().observer((layer, flags, in, result, meta) -> trace.add(layer + " " + in.low(Field.IP_REMOTE_ADDRESS)));

        h.outbound(FlowPackets.udp(HOST, 4000, PEER, 7000, 20));
        assertThat(h.runPacketThreadUntil(() -> completions.get() == 1, 5000)).isTrue();

        long peer = 0xC6120202L, moved = 0xC6120303L;
        assertThat(trace).containsExactly(
                "ALE_BIND_REDIRECT_V4 " + peer, "ALE_CONNECT_REDIRECT_V4 " + peer, "ALE_AUTH_CONNECT_V4 " + peer,
                "ALE_FLOW_ESTABLISHED_V4 " + peer, "DATAGRAM_DATA_V4 " + peer,
                // the injected datagram: a new 5-tuple, so ALE first (§4.5)
                "ALE_BIND_REDIRECT_V4 " + moved, "ALE_CONNECT_REDIRECT_V4 " + moved, "ALE_AUTH_CONNECT_V4 " + moved,
                "ALE_FLOW_ESTABLISHED_V4 " + moved, "DATAGRAM_DATA_V4 " + moved, "OUTBOUND_TRANSPORT_V4 " + moved,
                "OUTBOUND_IPPACKET_V4 " + moved);
        assertThat(h.sent()).hasSize(1);
        byte[] got = h.sent().get(0);
        IpV4Packet ip = IpV4Packet.newPacket(got, 0, got.length);
        assertThat(ip.getHeader().getDstAddr().getHostAddress()).isEqualTo(OTHER);
        assertThat(ip.getHeader().hasValidChecksum(false)).isTrue();
        assertThat(ip.get(UdpPacket.class).hasValidChecksum(ip.getHeader().getSrcAddr(), ip.getHeader().getDstAddr(), false))
                .isTrue();
    }

    @Test
    void check47_transportReceiveInjectionOfAnAleClassifyRequiredPacketIsRefused() throws Exception {
        InjectionHandle handle = h.handle(InjectionHandle.TRANSPORT);
        List<String> seen = new CopyOnWriteArrayList<>();
        h.register((in, ctx, f, out) -> {
            PacketView v = (PacketView) ctx.layerData();
            if (handle.state(v).isSelf()) {
                out.permit();
                return;
            }
            PacketClone clone = v.clone();
            clone.retreat(clone.dataOffset());
            CalloutStatus s = handle.injectTransportReceive(clone, v.interfaceIndex(), 0, null, (o, p, st) -> p.free());
            seen.add(((PacketMetadata) ctx.metadata()).aleClassifyRequired() + " " + s);
            if (s == CalloutStatus.SUCCESS) {
                out.block();
                out.setAbsorb();
            } else {
                clone.free(); // refused: the callout lets the original continue to RECV_ACCEPT
                out.permit();
            }
        }, FilterAction.CALLOUT_TERMINATING, Layer.INBOUND_TRANSPORT_V4);

        byte[] first = FlowPackets.udp(PEER, 7000, HOST, 4000, 8), second = FlowPackets.udp(PEER, 7000, HOST, 4000, 9);
        h.inbound(first);  // opens the flow: RECV_ACCEPT follows
        h.inbound(second); // the flow is authorized

        assertThat(seen).containsExactly("true REFUSED", "false SUCCESS");
        assertThat(h.received()).containsExactly(first, second);
    }
}
