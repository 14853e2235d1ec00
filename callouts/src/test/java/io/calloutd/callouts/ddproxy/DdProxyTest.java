package io.calloutd.callouts.ddproxy;

import static io.calloutd.engine.Layer.ALE_AUTH_CONNECT_V4;
import static io.calloutd.engine.Layer.ALE_BIND_REDIRECT_V4;
import static io.calloutd.engine.Layer.ALE_CONNECT_REDIRECT_V4;
import static io.calloutd.engine.Layer.ALE_FLOW_ESTABLISHED_V4;
import static io.calloutd.engine.Layer.DATAGRAM_DATA_V4;
import static io.calloutd.engine.Layer.INBOUND_IPPACKET_V4;
import static io.calloutd.engine.Layer.INBOUND_TRANSPORT_V4;
import static io.calloutd.engine.Layer.OUTBOUND_IPPACKET_V4;
import static io.calloutd.engine.Layer.OUTBOUND_TRANSPORT_V4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calloutd.callout.CalloutParams;
import io.calloutd.callouts.testkit.Packets;
import io.calloutd.engine.Condition;
import io.calloutd.engine.Direction;
import io.calloutd.engine.Field;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Value;
import io.calloutd.packet.IpProtocols;
import io.calloutd.testkit.CalloutTestPath;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ddproxy (§7.2) on real packets through the real pipeline: checks 70 and 40. */
class DdProxyTest {
    static final String HOST = "198.18.1.2", A = "198.18.2.100", B = "198.18.2.2";
    final CalloutTestPath h = CalloutTestPath.create();
    /** Every classification's layer, in order. */
    final List<Layer> layers = new ArrayList<>();

    {
        h.classifier().observer((layer, flags, in, result, meta) -> layers.add(layer));
    }

    @AfterEach
    void close() {
        h.close();
    }

    static Value v4(String a) {
        return Value.v4(ByteBuffer.wrap(Packets.addr(a).getAddress()).getInt());
    }

    /** The sample's four filters (§7.2 table). */
    void install(boolean udp) throws Exception {
        Map<String, Object> params = udp
                ? Map.of("destinationAddressToIntercept", A, "destinationPortToIntercept", 5001,
                        "newDestinationAddress", B, "newDestinationPort", 6001)
                : Map.of("inspectUdp", false, "destinationAddressToIntercept", A, "newDestinationAddress", B);
        UUID key = h.register(new DdProxyFactory(), params);
        int proto = udp ? IpProtocols.UDP : IpProtocols.ICMP;
        for (String[] remote : new String[][] {{A, "5001"}, {B, "6001"}}) {
            h.filter(ALE_FLOW_ESTABLISHED_V4, FilterAction.CALLOUT_TERMINATING, key, f -> {
                f.condition(Condition.eq(Field.IP_PROTOCOL, Value.uint8(proto)))
                        .condition(Condition.eq(Field.IP_REMOTE_ADDRESS, v4(remote[0])));
                if (udp) {
                    f.condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(Integer.parseInt(remote[1]))));
                }
            });
            boolean outbound = remote[0].equals(A);
            h.filter(DATAGRAM_DATA_V4, FilterAction.CALLOUT_TERMINATING, key, f -> {
                f.condition(Condition.eq(Field.IP_PROTOCOL, Value.uint8(proto)))
                        .condition(Condition.eq(Field.IP_REMOTE_ADDRESS, v4(remote[0])))
                        .condition(Condition.eq(Field.DIRECTION,
                                Value.uint32(outbound ? Direction.OUTBOUND : Direction.INBOUND)));
                if (udp) {
                    f.condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(Integer.parseInt(remote[1]))));
                }
            });
        }
    }

    @Test
    void check70_datagramProxyTranslatesBothWays() throws Exception {
        install(true);
        h.outbound(Packets.udp(HOST, 4000, A, 5001, 40, 7));
        assertThat(h.runPacketThreadUntil(() -> h.sent().size() == 1, 5000)).isTrue();
        assertThat(h.sent()).containsExactly(Packets.udp(HOST, 4000, B, 6001, 40, 7));

        h.inbound(Packets.udp(B, 6001, HOST, 4000, 80, 9));
        assertThat(h.runPacketThreadUntil(() -> h.received().size() == 1, 5000)).isTrue();
        assertThat(h.received()).containsExactly(Packets.udp(A, 5001, HOST, 4000, 80, 9));

        h.outbound(Packets.udp(HOST, 4001, A, 7000, 30, 1)); // port condition fails: untouched, not absorbed
        assertThat(h.sent()).hasSize(2);
        assertThat(h.sent().get(1)).isEqualTo(Packets.udp(HOST, 4001, A, 7000, 30, 1));

        // A second datagram on the same flows takes the same way (contexts stay associated).
        h.outbound(Packets.udp(HOST, 4000, A, 5001, 10, 3));
        assertThat(h.runPacketThreadUntil(() -> h.sent().size() == 3, 5000)).isTrue();
        assertThat(h.sent().get(2)).isEqualTo(Packets.udp(HOST, 4000, B, 6001, 10, 3));
        assertThat(h.counters().unaccounted()).isZero();
    }

    @Test
    void check40_sendInjectedDatagramWithNewRemoteIsAuthorizedBeforeDatagramData() throws Exception {
        install(true);
        h.outbound(Packets.udp(HOST, 4000, A, 5001, 40, 7));
        assertThat(h.runPacketThreadUntil(() -> h.sent().size() == 1, 5000)).isTrue();
        assertThat(layers).containsExactly(
                // the app's datagram to A: authorized, flow context associated, absorbed at DATAGRAM_DATA
                ALE_BIND_REDIRECT_V4, ALE_CONNECT_REDIRECT_V4, ALE_AUTH_CONNECT_V4, ALE_FLOW_ESTABLISHED_V4,
                DATAGRAM_DATA_V4,
                // the injected datagram to B: a new 5-tuple, so AUTH_CONNECT and FLOW_ESTABLISHED first
                ALE_BIND_REDIRECT_V4, ALE_CONNECT_REDIRECT_V4, ALE_AUTH_CONNECT_V4, ALE_FLOW_ESTABLISHED_V4,
                DATAGRAM_DATA_V4, OUTBOUND_TRANSPORT_V4, OUTBOUND_IPPACKET_V4);
    }

    @Test
    void icmpEchoIsProxiedBothWays() throws Exception {
        install(false);
        h.outbound(Packets.echo(HOST, A, 99, 1, false));
        assertThat(h.runPacketThreadUntil(() -> h.sent().size() == 1, 5000)).isTrue();
        assertThat(h.sent()).containsExactly(Packets.echo(HOST, B, 99, 1, false));
        h.inbound(Packets.echo(B, HOST, 99, 1, true));
        assertThat(h.runPacketThreadUntil(() -> h.received().size() == 1, 5000)).isTrue();
        assertThat(h.received()).containsExactly(Packets.echo(A, HOST, 99, 1, true));
        assertThat(layers).contains(INBOUND_IPPACKET_V4, INBOUND_TRANSPORT_V4);
    }

    @Test
    void flowDeleteFreesEveryContext() throws Exception {
        DdProxyFactory f = new DdProxyFactory();
        install(true);
        h.outbound(Packets.udp(HOST, 4000, A, 5001, 40, 7));
        assertThat(h.runPacketThreadUntil(() -> h.sent().size() == 1, 5000)).isTrue();
        h.classifier().close(); // ends both flows: flowDelete once per context
        assertThat(h.runtime().registry().registered()).allSatisfy(c -> assertThat(c.associatedContexts()).isZero());
        assertThat(f.type()).isEqualTo("ddproxy");
    }

    @Test
    void badParametersAreNamed() {
        DdProxyFactory f = new DdProxyFactory();
        assertThatThrownBy(() -> DdProxyConfig.parse(CalloutParams.of("ddproxy", Map.of("newDestinationAddress", B))))
                .hasMessageStartingWith("destinationAddressToIntercept");
        assertThatThrownBy(() -> DdProxyConfig.parse(CalloutParams.of("ddproxy",
                Map.of("destinationAddressToIntercept", A, "newDestinationAddress", A))))
                .hasMessageStartingWith("newDestinationAddress");
        assertThatThrownBy(() -> DdProxyConfig.parse(CalloutParams.of("ddproxy",
                Map.of("destinationAddressToIntercept", A, "newDestinationAddress", "fd00::1"))))
                .hasMessageStartingWith("newDestinationAddress");
        assertThatThrownBy(() -> DdProxyConfig.parse(CalloutParams.of("ddproxy",
                Map.of("destinationAddressToIntercept", A, "newDestinationAddress", B, "destinationPortToIntercept", 0))))
                .hasMessageStartingWith("destinationPortToIntercept");
        assertThat(f.description()).contains("ddproxy");
    }
}
