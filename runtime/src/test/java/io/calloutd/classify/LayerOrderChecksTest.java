package io.calloutd.classify;

import static io.calloutd.engine.Layer.*;
import static io.calloutd.flow.FlowPackets.ACK;
import static io.calloutd.flow.FlowPackets.FIN;
import static io.calloutd.flow.FlowPackets.RST;
import static io.calloutd.flow.FlowPackets.SYN;
import static io.calloutd.classify.ClassifierHarness.HOST;
import static io.calloutd.classify.ClassifierHarness.PEER;
import static io.calloutd.classify.ClassifierHarness.tcpIn;
import static io.calloutd.classify.ClassifierHarness.tcpOut;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.engine.Condition;
import io.calloutd.engine.ConditionFlags;
import io.calloutd.engine.Field;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterFlags;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.Layer;
import io.calloutd.engine.NetEvent;
import io.calloutd.engine.NetEventType;
import io.calloutd.engine.UnsupportedLayer;
import io.calloutd.engine.Value;
import io.calloutd.flow.Flow;
import io.calloutd.flow.FlowPackets;
import io.calloutd.fragment.FragmentationResult;
import io.calloutd.fragment.Fragmenter;
import io.calloutd.pipeline.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Acceptance checks 48–58 (wfp-semantics.md §9): the order in which packets cross the layers, ALE flows,
 * reauthorization, discard layers, fragments, direction, multicast windows and FLOW_ESTABLISHED blocks. Packets
 * are built by pcap4j and pushed through the real pipeline; the trace comes from the classifier's observer.
 */
class LayerOrderChecksTest {
    private final ClassifierHarness h = new ClassifierHarness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void check48_outboundTcpConnectFollowsWfpLayerOrder() {
        h.out(tcpOut(SYN, 0));
        assertThat(h.layers()).containsExactly(ALE_BIND_REDIRECT_V4, ALE_CONNECT_REDIRECT_V4, ALE_AUTH_CONNECT_V4,
                OUTBOUND_TRANSPORT_V4, OUTBOUND_IPPACKET_V4);
        h.in(tcpIn(SYN | ACK, 0));
        assertThat(h.layers()).containsExactly(INBOUND_IPPACKET_V4, INBOUND_TRANSPORT_V4, ALE_FLOW_ESTABLISHED_V4);
        h.out(tcpOut(ACK, 0));
        assertThat(h.layers()).containsExactly(OUTBOUND_TRANSPORT_V4, OUTBOUND_IPPACKET_V4);
        // RESOURCE_ASSIGNMENT has no trigger on a TUN: declared unsupported with the reason, not silently absent.
        assertThat(UnsupportedLayer.ALE_RESOURCE_ASSIGNMENT_V4.reason()).contains("bind");
        assertThat(h.injector.sent()).hasSize(2);
        assertThat(h.injector.received()).hasSize(1);
    }

    @Test
    void check49_inboundSynGoesToRecvAcceptAndEstablishedOnlyAfterFinalAck() {
        h.in(FlowPackets.tcp(PEER, 5555, HOST, 22, SYN, 100, 0, 0));
        assertThat(h.layers()).containsExactly(INBOUND_IPPACKET_V4, INBOUND_TRANSPORT_V4, ALE_AUTH_RECV_ACCEPT_V4);
        h.out(FlowPackets.tcp(HOST, 22, PEER, 5555, SYN | ACK, 900, 101, 0));
        assertThat(h.layers()).containsExactly(OUTBOUND_TRANSPORT_V4, OUTBOUND_IPPACKET_V4);
        h.in(FlowPackets.tcp(PEER, 5555, HOST, 22, ACK, 101, 901, 0));
        assertThat(h.layers()).containsExactly(INBOUND_IPPACKET_V4, INBOUND_TRANSPORT_V4, ALE_FLOW_ESTABLISHED_V4);
        h.in(FlowPackets.tcp(PEER, 5555, HOST, 22, ACK, 101, 901, 10));
        assertThat(h.layers()).containsExactly(INBOUND_IPPACKET_V4, INBOUND_TRANSPORT_V4, STREAM_V4);
    }

    @Test
    void check50_firstUdpDatagramAuthorizesThenEstablishesThenDatagramData() {
        h.out(FlowPackets.udp(HOST, 4000, PEER, 53, 20));
        assertThat(h.layers()).containsExactly(ALE_BIND_REDIRECT_V4, ALE_CONNECT_REDIRECT_V4, ALE_AUTH_CONNECT_V4,
                ALE_FLOW_ESTABLISHED_V4, DATAGRAM_DATA_V4, OUTBOUND_TRANSPORT_V4, OUTBOUND_IPPACKET_V4);
        h.out(FlowPackets.udp(HOST, 4000, PEER, 53, 20));
        assertThat(h.layers()).containsExactly(DATAGRAM_DATA_V4, OUTBOUND_TRANSPORT_V4, OUTBOUND_IPPACKET_V4);
        h.in(FlowPackets.udp(PEER, 53, HOST, 4000, 20));
        assertThat(h.layers()).containsExactly(INBOUND_IPPACKET_V4, INBOUND_TRANSPORT_V4, DATAGRAM_DATA_V4);
        // IPv6 takes the same path on the V6 layers.
        h.in(FlowPackets.udp("fd00:2::2", 9, "fd00:1::2", 4001, 8));
        assertThat(h.layers()).containsExactly(INBOUND_IPPACKET_V6, INBOUND_TRANSPORT_V6, ALE_AUTH_RECV_ACCEPT_V6,
                ALE_FLOW_ESTABLISHED_V6, DATAGRAM_DATA_V6);
    }

    @Test
    void check51_idleUdpFlowIsDeletedWithItsContextsAndReauthorizedAtConnect() {
        h.out(FlowPackets.udp(HOST, 4000, PEER, 53, 20));
        h.layers();
        Flow flow = h.classifier.flows().lookup(new FlowPackets().parse(FlowPackets.udp(HOST, 4000, PEER, 53, 1)));
        h.classifier.flows().associateContext(flow, ALE_FLOW_ESTABLISHED_V4.ordinal(), 3, 0xC0FFEEL);
        h.advanceSeconds(59);
        h.out(FlowPackets.udp(HOST, 4000, PEER, 53, 20));
        assertThat(h.layers()).containsExactly(DATAGRAM_DATA_V4, OUTBOUND_TRANSPORT_V4, OUTBOUND_IPPACKET_V4);
        h.advanceSeconds(61); // idle for more than the default 60 s
        h.out(FlowPackets.udp(HOST, 4000, PEER, 53, 20));
        assertThat(h.layers()).containsExactly(ALE_ENDPOINT_CLOSURE_V4, ALE_BIND_REDIRECT_V4, ALE_CONNECT_REDIRECT_V4,
                ALE_AUTH_CONNECT_V4, ALE_FLOW_ESTABLISHED_V4, DATAGRAM_DATA_V4, OUTBOUND_TRANSPORT_V4,
                OUTBOUND_IPPACKET_V4);
        assertThat(h.flowDeletes).hasSize(1);
        assertThat(h.flowDeletes.get(0)).containsExactly(flow.id(), ALE_FLOW_ESTABLISHED_V4.ordinal(), 3, 0xC0FFEEL);
        assertThat(h.counters.endpointClosures()).isEqualTo(1);
    }

    @Test
    void check52_filterChangeAtAuthConnectReauthorizesTheNextPacketInEitherDirection() throws Exception {
        h.out(tcpOut(SYN, 0));
        h.in(tcpIn(SYN | ACK, 0));
        h.out(tcpOut(ACK, 0));
        h.layers();
        h.engine.addFilter(FilterSpec.builder(ALE_AUTH_CONNECT_V4).action(FilterAction.PERMIT)
                .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(443))).build());
        h.in(tcpIn(ACK, 100));
        List<ClassifierHarness.Step> steps = h.steps();
        assertThat(steps).extracting(ClassifierHarness.Step::layer).containsExactly(INBOUND_IPPACKET_V4,
                INBOUND_TRANSPORT_V4, ALE_AUTH_CONNECT_V4, STREAM_V4);
        ClassifierHarness.Step reauth = steps.get(2);
        assertThat(reauth.flags() & ConditionFlags.IS_REAUTHORIZE).isNotZero();
        assertThat(reauth.reauthReason()).isEqualTo(ReauthorizeReason.POLICY_CHANGE);
        assertThat(reauth.packetDirection()).isEqualTo(Direction.INBOUND);
        h.out(tcpOut(ACK, 0));
        assertThat(h.layers()).as("authorized again: no further reauth").containsExactly(OUTBOUND_TRANSPORT_V4,
                OUTBOUND_IPPACKET_V4);

        Filter block = h.engine.addFilter(FilterSpec.builder(ALE_AUTH_CONNECT_V4).action(FilterAction.BLOCK)
                .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(80))).build());
        int sentBefore = h.injector.sent().size();
        h.out(tcpOut(ACK, 10));
        steps = h.steps();
        assertThat(steps).extracting(ClassifierHarness.Step::layer).containsExactly(ALE_AUTH_CONNECT_V4,
                ALE_AUTH_CONNECT_V4_DISCARD);
        assertThat(steps.get(0).packetDirection()).isEqualTo(Direction.OUTBOUND);
        assertThat(steps.get(0).filterId()).isEqualTo(block.id());
        assertThat(h.injector.sent()).hasSize(sentBefore);
        assertThat(h.counters.reauthorizationBlocks()).isEqualTo(1);
        assertThat(h.events.snapshot()).extracting(NetEvent::type, NetEvent::layer, NetEvent::filterId)
                .contains(org.assertj.core.groups.Tuple.tuple(NetEventType.CLASSIFY_DROP, ALE_AUTH_CONNECT_V4, block.id()));
    }

    @Test
    void check53_synToClosedPortIsShownAtTransportDiscardAndABlockThereSuppressesTheRst() throws Exception {
        h.in(FlowPackets.tcp(PEER, 5555, HOST, 23, SYN, 100, 0, 0));
        h.layers();
        byte[] rst = FlowPackets.tcp(HOST, 23, PEER, 5555, RST | ACK, 0, 101, 0);
        h.out(rst);
        // The flow the SYN opened (a TUN cannot know there is no listener) ends with the RST.
        assertThat(h.layers()).containsExactly(INBOUND_TRANSPORT_V4_DISCARD, ALE_ENDPOINT_CLOSURE_V4,
                OUTBOUND_TRANSPORT_V4, OUTBOUND_IPPACKET_V4);
        assertThat(h.injector.sent()).containsExactly(rst);

        h.engine.addFilter(FilterSpec.builder(INBOUND_TRANSPORT_V4_DISCARD).action(FilterAction.BLOCK).build());
        h.in(FlowPackets.tcp(PEER, 5556, HOST, 23, SYN, 100, 0, 0));
        h.layers();
        h.out(FlowPackets.tcp(HOST, 23, PEER, 5556, RST | ACK, 0, 101, 0));
        assertThat(h.layers()).containsExactly(INBOUND_TRANSPORT_V4_DISCARD);
        assertThat(h.injector.sent()).hasSize(1);
        assertThat(h.counters.resetsSuppressed()).isEqualTo(1);
    }

    @Test
    void check54_udpToClosedPortIsShownAtIpPacketDiscardAndTheIcmpErrorAtOutboundIcmpError() throws Exception {
        byte[] datagram = FlowPackets.udp(PEER, 5000, HOST, 9999, 8);
        h.in(datagram);
        h.layers();
        byte[] error = FlowPackets.portUnreachable(HOST, PEER, datagram);
        h.out(error);
        assertThat(h.layers()).containsExactly(INBOUND_IPPACKET_V4_DISCARD, OUTBOUND_ICMP_ERROR_V4,
                OUTBOUND_TRANSPORT_V4, OUTBOUND_IPPACKET_V4);
        assertThat(h.injector.sent()).containsExactly(error);

        h.engine.addFilter(FilterSpec.builder(INBOUND_IPPACKET_V4_DISCARD).action(FilterAction.BLOCK)
                .condition(Condition.eq(Field.IP_PROTOCOL, Value.uint8(17))).build());
        h.out(error);
        assertThat(h.layers()).containsExactly(INBOUND_IPPACKET_V4_DISCARD);
        assertThat(h.injector.sent()).hasSize(1);
        assertThat(h.counters.icmpErrorsSuppressed()).isEqualTo(1);
    }

    @Test
    void check55_fourInboundFragmentsAreClassifiedNineTimesAtTheIpPacketLayer() {
        byte[] datagram = FlowPackets.udp(PEER, 5000, HOST, 6000, 4000);
        List<ByteBuf> pieces = new ArrayList<>();
        FragmentationResult r = new Fragmenter(PooledByteBufAllocator.DEFAULT)
                .fragmentV4(Unpooled.wrappedBuffer(datagram), 1100, 1100, pieces);
        assertThat(r.outcome()).isEqualTo(FragmentationResult.Outcome.FRAGMENTED);
        assertThat(pieces).hasSize(4);
        for (ByteBuf piece : pieces) {
            h.in(ByteBufUtil.getBytes(piece));
            piece.release();
        }
        List<ClassifierHarness.Step> ip = h.steps().stream().filter(s -> s.layer() == INBOUND_IPPACKET_V4).toList();
        assertThat(ip).hasSize(9);
        assertThat(ip.stream().filter(s -> s.flags() == 0).count()).isEqualTo(4);
        assertThat(ip.stream().filter(s -> s.flags() == ConditionFlags.IS_FRAGMENT).count()).isEqualTo(4);
        assertThat(ip.get(8).flags()).isEqualTo(ConditionFlags.IS_REASSEMBLED);
        assertThat(h.injector.received()).hasSize(4); // refragmented as the sender did
    }

    @Test
    void check56_directionIsTheFlowsAtStreamAndEstablishedButThePacketsAtDatagramData() {
        h.out(tcpOut(SYN, 0));
        h.layers();
        h.in(tcpIn(SYN | ACK, 0));
        assertThat(h.steps()).filteredOn(s -> s.layer() == ALE_FLOW_ESTABLISHED_V4)
                .extracting(ClassifierHarness.Step::direction).containsExactly((long) io.calloutd.engine.Direction.OUTBOUND);
        h.in(tcpIn(ACK, 50));
        assertThat(h.steps()).filteredOn(s -> s.layer() == STREAM_V4)
                .extracting(ClassifierHarness.Step::direction).containsExactly((long) io.calloutd.engine.Direction.OUTBOUND);
        h.out(FlowPackets.udp(HOST, 4000, PEER, 53, 20));
        h.layers();
        h.in(FlowPackets.udp(PEER, 53, HOST, 4000, 20));
        assertThat(h.steps()).filteredOn(s -> s.layer() == DATAGRAM_DATA_V4)
                .extracting(ClassifierHarness.Step::direction).containsExactly((long) io.calloutd.engine.Direction.INBOUND);
    }

    @Test
    void check57_outboundMulticastOpensAFourSecondWindowRefreshedOnlyByOutboundTraffic() throws Exception {
        h.engine.addFilter(FilterSpec.builder(ALE_AUTH_RECV_ACCEPT_V4).action(FilterAction.BLOCK).build());
        h.out(FlowPackets.udp(HOST, 4000, "239.1.2.3", 5000, 10));
        h.layers();
        h.advanceSeconds(1);
        h.in(FlowPackets.udp("198.18.2.77", 7777, HOST, 4000, 10));
        assertThat(h.layers()).containsExactly(INBOUND_IPPACKET_V4, INBOUND_TRANSPORT_V4, DATAGRAM_DATA_V4);
        assertThat(h.injector.received()).hasSize(1);
        h.advanceSeconds(2.5); // 3.5 s after the send: still open; inbound traffic does not refresh it
        h.in(FlowPackets.udp("198.18.2.78", 7777, HOST, 4000, 10));
        assertThat(h.injector.received()).hasSize(2);
        h.advanceSeconds(1); // 4.5 s: closed
        h.in(FlowPackets.udp("198.18.2.79", 7777, HOST, 4000, 10));
        assertThat(h.layers()).contains(ALE_AUTH_RECV_ACCEPT_V4, ALE_AUTH_RECV_ACCEPT_V4_DISCARD);
        assertThat(h.injector.received()).hasSize(2);
        h.out(FlowPackets.udp(HOST, 4000, "239.1.2.3", 5000, 10)); // refresh
        h.advanceSeconds(3);
        h.in(FlowPackets.udp("198.18.2.80", 7777, HOST, 4000, 10));
        assertThat(h.injector.received()).hasSize(3);
    }

    @Test
    void check58_blockAtFlowEstablishedIsAWarningUnlessFlaggedAsSecurityError() throws Exception {
        Filter warn = h.engine.addFilter(FilterSpec.builder(ALE_FLOW_ESTABLISHED_V4).action(FilterAction.BLOCK)
                .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(80))).build());
        h.out(tcpOut(SYN, 0));
        h.in(tcpIn(SYN | ACK, 0));
        assertThat(h.injector.received()).as("a plain BLOCK at FLOW_ESTABLISHED is not honoured").hasSize(1);
        assertThat(h.counters.establishedPolicyWarnings()).isEqualTo(1);
        assertThat(h.events.snapshot()).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(NetEventType.POLICY_WARNING);
            assertThat(e.filterId()).isEqualTo(warn.id());
        });

        Filter kill = h.engine.addFilter(FilterSpec.builder(ALE_FLOW_ESTABLISHED_V4).action(FilterAction.BLOCK)
                .flags(FilterFlags.BLOCK_IS_SECURITY_ERROR)
                .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(81))).build());
        h.out(FlowPackets.tcp(HOST, 40001, PEER, 81, SYN, 1000, 0, 0));
        h.in(FlowPackets.tcp(PEER, 81, HOST, 40001, SYN | ACK, 5000, 1001, 0));
        h.out(FlowPackets.tcp(HOST, 40001, PEER, 81, ACK, 1001, 5001, 10));
        assertThat(h.injector.received()).as("the SYN-ACK of the killed connection is dropped").hasSize(1);
        assertThat(h.counters.flowsKilled()).isEqualTo(1);
        assertThat(h.counters.killedFlowDrops()).isEqualTo(1);
        assertThat(h.events.snapshot()).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(NetEventType.CONNECTION_KILLED);
            assertThat(e.filterId()).isEqualTo(kill.id());
        });

        // A callout's BLOCK is honoured the same way only with the security-error flag.
        UUID key = UUID.randomUUID();
        h.engine.registerCallout(key, (in, ctx, filter, out) -> {
            out.block();
            out.setSecurityError();
        });
        h.engine.addFilter(FilterSpec.builder(ALE_FLOW_ESTABLISHED_V4).callout(FilterAction.CALLOUT_TERMINATING, key)
                .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(82))).build());
        h.out(FlowPackets.tcp(HOST, 40002, PEER, 82, SYN, 1000, 0, 0));
        h.in(FlowPackets.tcp(PEER, 82, HOST, 40002, SYN | ACK, 5000, 1001, 0));
        assertThat(h.counters.flowsKilled()).isEqualTo(2);
    }

    @Test
    void finOrRstEndsTheFlowWithOneEndpointClosure() {
        h.out(tcpOut(SYN, 0));
        h.in(tcpIn(SYN | ACK, 0));
        h.out(tcpOut(ACK, 0));
        h.layers();
        h.in(FlowPackets.tcp(PEER, 80, HOST, 40000, RST | ACK, 5001, 1001, 0));
        assertThat(h.layers()).containsExactly(INBOUND_IPPACKET_V4, INBOUND_TRANSPORT_V4, ALE_ENDPOINT_CLOSURE_V4);
        assertThat(h.counters.endpointClosures()).isEqualTo(1);
        assertThat(FIN).isEqualTo(1);
    }

    static String names(List<Layer> layers) {
        return layers.stream().map(Enum::name).collect(Collectors.joining(" → "));
    }
}
