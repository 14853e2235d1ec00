package io.calloutd.callout;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyResult;
import io.calloutd.engine.Direction;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UdpPacket;

/** The five callout types of §3.1 against the engine and the recording data path (checks 28, 29, 39). */
class CalloutTypesTest {
    final Fixture fx = new Fixture();
    final Injector injector = fx.runtime.injector();

    @AfterEach void close() throws Exception { fx.close(); }

    @Test
    void check28_inlineInspectionDeliversUnmodifiedAndClassifiesOnce() throws Exception {
        var insp = new SampleCallouts.InlineInspection();
        fx.filter(Layer.DATAGRAM_DATA_V4, FilterAction.CALLOUT_INSPECTION, fx.register(insp).key());
        byte[] raw = Pkts.udp(40000, 53, 10);
        assertThat(fx.path.indicate(raw, Direction.OUTBOUND, null, Layer.DATAGRAM_DATA_V4)).isEqualTo(Verdict.PERMIT);
        assertThat(fx.path.delivered).containsExactly(raw);
        assertThat(fx.path.count(Layer.DATAGRAM_DATA_V4)).isEqualTo(1);
        assertThat(insp.packets).hasValue(1);
        assertThat(insp.bytes).hasValue(18); // outbound DATAGRAM_DATA starts at the UDP header
    }

    @Test
    void check29_blockAbsorbDropsWithoutDiscardClassifyOrNetEvent() throws Exception {
        InjectionHandle h = injector.createHandle(AddressFamily.INET, InjectionHandle.NETWORK);
        var oob = new SampleCallouts.OutOfBandInspection(h, fx.runtime.deferredWork());
        oob.allow = false; // decide to drop
        fx.filter(Layer.INBOUND_IPPACKET_V4, FilterAction.CALLOUT_TERMINATING, fx.register(oob).key());
        var discard = new SampleCallouts.InlineInspection();
        fx.filter(Layer.INBOUND_IPPACKET_V4_DISCARD, FilterAction.CALLOUT_INSPECTION, fx.register(discard).key());
        assertThat(fx.path.indicate(Pkts.udp(1, 2, 3), Direction.INBOUND, null, Layer.INBOUND_IPPACKET_V4)).isEqualTo(Verdict.BLOCK);
        fx.drain();
        assertThat(discard.packets).hasValue(0);
        assertThat(fx.events).isEmpty();
        assertThat(fx.path.injections).isEmpty();
        assertThat(fx.path.delivered).isEmpty();
    }

    @Test
    void check39_inlineModificationInjectsAValidChecksummedPacketOnce() throws Exception {
        InjectionHandle h = injector.createHandle(AddressFamily.INET, InjectionHandle.NETWORK);
        var mod = new SampleCallouts.InlineModification(h, fx.path.alloc, 5353);
        fx.filter(Layer.OUTBOUND_IPPACKET_V4, FilterAction.CALLOUT_TERMINATING, fx.register(mod).key());
        fx.path.reenter(InjectionType.NETWORK_SEND, Direction.OUTBOUND, Layer.OUTBOUND_IPPACKET_V4);
        assertThat(fx.path.indicate(Pkts.udp(40000, 53, 10), Direction.OUTBOUND, null, Layer.OUTBOUND_IPPACKET_V4))
                .isEqualTo(Verdict.BLOCK);
        assertThat(mod.lastStatus).isEqualTo(CalloutStatus.SUCCESS);
        assertThat(fx.path.delivered).hasSize(1);
        byte[] out = fx.path.delivered.get(0);
        assertThat(Pkts.parse(out).get(UdpPacket.class).getHeader().getDstPort().valueAsInt()).isEqualTo(5353);
        assertThat(Pkts.checksumsValid(out)).isTrue();
        assertThat(fx.path.count(Layer.OUTBOUND_IPPACKET_V4)).isEqualTo(2); // original + self-injected, no loop
    }

    @Test
    void check39_outOfBandModificationReinjectsTcpWithValidChecksums() throws Exception {
        InjectionHandle h = injector.createHandle(AddressFamily.INET, 0);
        var mod = new SampleCallouts.OutOfBandModification(h, fx.runtime.deferredWork(), fx.path.alloc, 8080);
        fx.filter(Layer.INBOUND_TRANSPORT_V4, FilterAction.CALLOUT_TERMINATING, fx.register(mod).key());
        fx.path.reenter(InjectionType.TRANSPORT_RECEIVE, Direction.INBOUND, Layer.INBOUND_IPPACKET_V4, Layer.INBOUND_TRANSPORT_V4);
        assertThat(fx.path.indicate(Pkts.tcp(40000, 80, 7), Direction.INBOUND, null, Layer.INBOUND_TRANSPORT_V4))
                .isEqualTo(Verdict.BLOCK);
        fx.drain();
        assertThat(mod.completions).hasValue(1);
        assertThat(fx.path.delivered).hasSize(1);
        byte[] out = fx.path.delivered.get(0);
        assertThat(Pkts.parse(out).get(TcpPacket.class).getHeader().getDstPort().valueAsInt()).isEqualTo(8080);
        assertThat(Pkts.checksumsValid(out)).isTrue();
        assertThat(fx.path.count(Layer.INBOUND_TRANSPORT_V4)).isEqualTo(2);
    }

    @Test
    void redirectSkeletonRewritesTheRemoteOnceAndPermits() throws Exception {
        var redirect = new SampleCallouts.RedirectSkeleton(0xC6120063, 3128);
        fx.filter(Layer.ALE_CONNECT_REDIRECT_V4, FilterAction.CALLOUT_TERMINATING, fx.register(redirect).key());
        var req = new SampleCallouts.ConnectRequest(0xC6130002, 80);
        IncomingValues in = new IncomingValues();
        ClassifyContext ctx = new ClassifyContext().layerData(req);
        assertThat(fx.engine.classify(Layer.ALE_CONNECT_REDIRECT_V4, in, ctx, new ClassifyResult())).isEqualTo(Verdict.PERMIT);
        assertThat(req.remoteAddress).isEqualTo(0xC6120063);
        assertThat(req.remotePort).isEqualTo(3128);
        assertThat(fx.engine.classify(Layer.ALE_CONNECT_REDIRECT_V4, in, ctx, new ClassifyResult())).isEqualTo(Verdict.PERMIT);
        assertThat(redirect.redirects).hasValue(1); // the reauth sees its own redirect and leaves it
    }
}
