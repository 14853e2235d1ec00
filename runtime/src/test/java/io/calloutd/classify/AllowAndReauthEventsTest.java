package io.calloutd.classify;

import static io.calloutd.engine.Layer.ALE_AUTH_CONNECT_V4;
import static io.calloutd.engine.Layer.ALE_AUTH_RECV_ACCEPT_V4;
import static io.calloutd.flow.FlowPackets.ACK;
import static io.calloutd.flow.FlowPackets.SYN;
import static io.calloutd.classify.ClassifierHarness.HOST;
import static io.calloutd.classify.ClassifierHarness.PEER;
import static io.calloutd.classify.ClassifierHarness.tcpIn;
import static io.calloutd.classify.ClassifierHarness.tcpOut;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calloutd.config.CalloutCatalog;
import io.calloutd.config.ConfigLoader;
import io.calloutd.config.PolicyFile;
import io.calloutd.engine.Condition;
import io.calloutd.engine.Field;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.NetEvent;
import io.calloutd.engine.NetEventType;
import io.calloutd.engine.Value;
import io.calloutd.engine.Verdict;
import io.calloutd.flow.FlowPackets;
import io.calloutd.mgmt.JsonViews;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CLASSIFY_ALLOW (opt-in, once per permitted flow at its ALE authorization layer) and REAUTHORIZE (a flow
 * reauthorized after a policy change, with the deciding filter and verdict) net events, through the real pipeline.
 */
class AllowAndReauthEventsTest {
    private final ClassifierHarness h = new ClassifierHarness();

    @AfterEach
    void close() {
        h.close();
    }

    private void handshakeAndData() {
        h.out(tcpOut(SYN, 0));
        h.in(tcpIn(SYN | ACK, 0));
        h.out(tcpOut(ACK, 0));
        h.out(tcpOut(ACK, 100));
        h.in(tcpIn(ACK, 200));
    }

    @Test
    void allowEventsAreOffByDefault() throws Exception {
        h.engine.addFilter(FilterSpec.builder(ALE_AUTH_CONNECT_V4).action(FilterAction.PERMIT).build());
        handshakeAndData();
        h.in(FlowPackets.udp(PEER, 7000, HOST, 5353, 20));
        assertThat(h.injector.sent()).hasSize(3);
        assertThat(h.injector.received()).hasSize(3);
        assertThat(h.engine.collectsAllowEvents()).isFalse();
        assertThat(h.events.snapshot()).isEmpty();
    }

    @Test
    void allowEventOncePerFlowWithLayerAndDecidingFilter() throws Exception {
        h.engine.collectAllowEvents(true);
        Filter permit = h.engine.addFilter(FilterSpec.builder(ALE_AUTH_CONNECT_V4).action(FilterAction.PERMIT)
                .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(80))).build());
        handshakeAndData();
        // An inbound UDP flow no filter matches: permitted by the default verdict, filter id 0.
        h.in(FlowPackets.udp(PEER, 7000, HOST, 5353, 20));
        h.in(FlowPackets.udp(PEER, 7000, HOST, 5353, 30));
        assertThat(h.events.snapshot())
                .extracting(NetEvent::type, NetEvent::layer, NetEvent::filterId, NetEvent::verdict)
                .containsExactly(
                        tuple(NetEventType.CLASSIFY_ALLOW, ALE_AUTH_CONNECT_V4, permit.id(), Verdict.PERMIT),
                        tuple(NetEventType.CLASSIFY_ALLOW, ALE_AUTH_RECV_ACCEPT_V4, 0L, Verdict.PERMIT));
        assertThat(h.events.snapshot().get(0).packet()).contains("80");
    }

    @Test
    void blockedAuthorizationIsADropNotAnAllow() throws Exception {
        h.engine.collectAllowEvents(true);
        Filter block = h.engine.addFilter(FilterSpec.builder(ALE_AUTH_CONNECT_V4).action(FilterAction.BLOCK).build());
        h.out(tcpOut(SYN, 0));
        assertThat(h.injector.sent()).isEmpty();
        assertThat(h.events.snapshot()).extracting(NetEvent::type, NetEvent::layer, NetEvent::filterId)
                .containsExactly(tuple(NetEventType.CLASSIFY_DROP, ALE_AUTH_CONNECT_V4, block.id()));
    }

    @Test
    void filterChangeReauthorizesWithFilterAndVerdict() throws Exception {
        handshakeAndData();
        assertThat(h.events.snapshot()).isEmpty();

        // A change at AUTH_CONNECT that does not match the flow: reauthorized once, by the default verdict.
        h.engine.addFilter(FilterSpec.builder(ALE_AUTH_CONNECT_V4).action(FilterAction.BLOCK)
                .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(443))).build());
        h.in(tcpIn(ACK, 100));
        h.out(tcpOut(ACK, 10));
        assertThat(h.events.snapshot())
                .extracting(NetEvent::type, NetEvent::layer, NetEvent::filterId, NetEvent::verdict)
                .containsExactly(tuple(NetEventType.REAUTHORIZE, ALE_AUTH_CONNECT_V4, 0L, Verdict.PERMIT));

        // A change that blocks it: the reauthorization names the filter and BLOCK, then the drop follows.
        Filter block = h.engine.addFilter(FilterSpec.builder(ALE_AUTH_CONNECT_V4).action(FilterAction.BLOCK)
                .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(80))).build());
        int sent = h.injector.sent().size();
        h.out(tcpOut(ACK, 10));
        assertThat(h.injector.sent()).hasSize(sent);
        assertThat(h.events.snapshot()).hasSize(3);
        assertThat(h.events.snapshot().subList(1, 3))
                .extracting(NetEvent::type, NetEvent::layer, NetEvent::filterId, NetEvent::verdict)
                .containsExactlyInAnyOrder(
                        tuple(NetEventType.REAUTHORIZE, ALE_AUTH_CONNECT_V4, block.id(), Verdict.BLOCK),
                        tuple(NetEventType.CLASSIFY_DROP, ALE_AUTH_CONNECT_V4, block.id(), null));

        ObjectNode json = JsonViews.netEvent(h.events.snapshot().stream()
                .filter(e -> e.type() == NetEventType.REAUTHORIZE && e.verdict() == Verdict.BLOCK).findFirst().orElseThrow());
        assertThat(json.get("type").asText()).isEqualTo("REAUTHORIZE");
        assertThat(json.get("layer").asText()).isEqualTo("ALE_AUTH_CONNECT_V4");
        assertThat(json.get("filterId").asLong()).isEqualTo(block.id());
        assertThat(json.get("verdict").asText()).isEqualTo("BLOCK");
    }

    @Test
    void policyFileKeyTurnsAllowEventsOn() throws Exception {
        ConfigLoader loader = new ConfigLoader(CalloutCatalog.EMPTY);
        PolicyFile on = loader.parse("t.yaml", "netEvents: {allow: true}\n".getBytes(StandardCharsets.UTF_8), true).file();
        PolicyFile off = loader.parse("t.yaml", "netEvents: {capacity: 10}\n".getBytes(StandardCharsets.UTF_8), true).file();
        PolicyFile none = loader.parse("t.yaml", "filters: []\n".getBytes(StandardCharsets.UTF_8), true).file();
        assertThat(PolicyFile.NetEventSettings.allowEvents(on)).isTrue();
        assertThat(PolicyFile.NetEventSettings.allowEvents(off)).isFalse();
        assertThat(PolicyFile.NetEventSettings.allowEvents(none)).isFalse();
    }
}
