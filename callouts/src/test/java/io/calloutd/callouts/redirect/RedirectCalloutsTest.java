package io.calloutd.callouts.redirect;

import static io.calloutd.callouts.testkit.Packets.ACK;
import static io.calloutd.callouts.testkit.Packets.SYN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calloutd.callout.CalloutParams;
import io.calloutd.callouts.testkit.Packets;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.Layer;
import io.calloutd.packet.IpProtocols;
import io.calloutd.redirect.RedirectRecords;
import io.calloutd.redirect.RedirectRegistry;
import io.calloutd.testkit.CalloutTestPath;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** connect-redirect and bind-redirect from their factories, on real packets through the real pipeline. */
class RedirectCalloutsTest {
    static final String HOST = "198.18.1.2", DEST = "198.18.2.2", PROXY = "198.18.1.5";
    final CalloutTestPath h = CalloutTestPath.create();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void check73_connectRedirectSendsToTheProxyAndNeverRedirectsTheProxysOwnConnection() throws Exception {
        UUID key = h.register(new ConnectRedirectFactory(), Map.of("remoteAddress", DEST, "remotePort", 80,
                "protocol", "tcp", "proxyAddress", PROXY, "proxyPort", 8080, "targetId", 77));
        h.filter(Layer.ALE_CONNECT_REDIRECT_V4, FilterAction.CALLOUT_UNKNOWN, key, f -> { });
        h.outbound(Packets.tcp(HOST, 40000, DEST, 80, SYN, 1, 0, 0));
        h.inbound(Packets.tcp(PROXY, 8080, HOST, 40000, SYN | ACK, 9, 2, 0));
        assertThat(h.sent()).containsExactly(Packets.tcp(HOST, 40000, PROXY, 8080, SYN, 1, 0, 0));
        assertThat(h.received()).containsExactly(Packets.tcp(DEST, 80, HOST, 40000, SYN | ACK, 9, 2, 0));

        RedirectRegistry registry = h.classifier().redirects().registry();
        RedirectRecords r = registry.query(IpProtocols.TCP, new InetSocketAddress(Packets.addr(HOST), 40000),
                new InetSocketAddress(Packets.addr(PROXY), 8080)).orElseThrow();
        assertThat(r.originalDestination()).isEqualTo(new InetSocketAddress(Packets.addr(DEST), 80));
        assertThat(r.localRedirectTargetPid()).isEqualTo(77);

        // The proxy connects onward from its own address (loop guard) ...
        h.outbound(Packets.tcp(PROXY, 50000, DEST, 80, SYN, 5, 0, 0));
        // ... and another proxy host carrying the records (REDIRECTED_BY_SELF).
        registry.attach(r, IpProtocols.TCP, new InetSocketAddress(Packets.addr("198.18.1.6"), 50001), r.originalDestination());
        h.outbound(Packets.tcp("198.18.1.6", 50001, DEST, 80, SYN, 6, 0, 0));
        assertThat(h.sent()).containsExactly(Packets.tcp(HOST, 40000, PROXY, 8080, SYN, 1, 0, 0),
                Packets.tcp(PROXY, 50000, DEST, 80, SYN, 5, 0, 0), Packets.tcp("198.18.1.6", 50001, DEST, 80, SYN, 6, 0, 0));
        assertThat(statusOf(key)).containsEntry("redirected", 1L).containsEntry("proxyOwnPermitted", 1L)
                .containsEntry("redirectedBySelfPermitted", 1L);
    }

    @Test
    void bindRedirectRewritesTheLocalEndpoint() throws Exception {
        UUID key = h.register(new BindRedirectFactory(), Map.of("localAddress", HOST, "protocol", "udp",
                "newLocalAddress", "198.18.1.77", "newLocalPort", 33000));
        h.filter(Layer.ALE_BIND_REDIRECT_V4, FilterAction.CALLOUT_UNKNOWN, key, f -> { });
        h.outbound(Packets.udp(HOST, 4000, DEST, 53, 20, 1));
        h.inbound(Packets.udp(DEST, 53, "198.18.1.77", 33000, 30, 2));
        h.outbound(Packets.tcp(HOST, 40000, DEST, 80, SYN, 1, 0, 0)); // tcp: not selected
        assertThat(h.sent()).containsExactly(Packets.udp("198.18.1.77", 33000, DEST, 53, 20, 1),
                Packets.tcp(HOST, 40000, DEST, 80, SYN, 1, 0, 0));
        assertThat(h.received()).containsExactly(Packets.udp(DEST, 53, HOST, 4000, 30, 2));
        assertThat(statusOf(key)).containsEntry("redirected", 1L);
    }

    @Test
    void parameterErrorsNameTheParameter() {
        ConnectRedirectFactory c = new ConnectRedirectFactory();
        assertThatThrownBy(() -> c.create(CalloutParams.of("connect-redirect", Map.of("proxyAddress", PROXY)), null))
                .hasMessageStartingWith("remoteAddress");
        assertThatThrownBy(() -> c.create(CalloutParams.of("connect-redirect",
                Map.of("remoteAddress", DEST, "proxyAddress", "fd00::1")), null)).hasMessageStartingWith("proxyAddress");
        assertThatThrownBy(() -> c.create(CalloutParams.of("connect-redirect",
                Map.of("remoteAddress", DEST, "proxyAddress", PROXY, "proxyport", 1)), null)).hasMessageStartingWith("proxyport");
        assertThatThrownBy(() -> new BindRedirectFactory().create(CalloutParams.of("bind-redirect", Map.of()), null))
                .hasMessageStartingWith("newLocalAddress");
    }

    private Map<String, Object> statusOf(UUID key) {
        return h.instance(key).status();
    }
}
