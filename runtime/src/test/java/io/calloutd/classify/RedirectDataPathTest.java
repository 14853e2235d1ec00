package io.calloutd.classify;

import static io.calloutd.flow.FlowPackets.ACK;
import static io.calloutd.flow.FlowPackets.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.ConditionFlags;
import io.calloutd.engine.Field;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import io.calloutd.flow.FlowPackets;
import io.calloutd.packet.IpProtocols;
import io.calloutd.redirect.BindRequest;
import io.calloutd.redirect.ConnectRequest;
import io.calloutd.redirect.RedirectHandle;
import io.calloutd.redirect.RedirectRecords;
import io.calloutd.redirect.RedirectState;
import io.calloutd.testkit.CalloutTestPath;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connect and bind redirection on real packets through the real pipeline (§3.5, check 73). Expected packets are
 * built by pcap4j with the translated tuple, so a byte-for-byte match also checks every incrementally updated
 * checksum against an independent implementation.
 */
class RedirectDataPathTest {
    static final String HOST = "198.18.1.2", DEST = "198.18.2.2", PROXY = "198.18.2.9", PROXY_HOST = "198.18.1.5";
    static final String HOST6 = "fd00:1::2", DEST6 = "fd00:2::2", PROXY6 = "fd00:2::9";
    static final long TARGET_ID = 4242;

    final CalloutTestPath h = CalloutTestPath.create();
    final RedirectHandle handle = RedirectHandle.create();

    @AfterEach
    void close() {
        handle.close();
        h.close();
    }

    /** WFPSampler PROXY (connection, by redirect): connections to {@code port} go to {@code proxy}. */
    final class ConnectRedirect implements io.calloutd.engine.Callout {
        final InetSocketAddress proxy;
        final int port;
        final List<RedirectState> states = new ArrayList<>();

        ConnectRedirect(InetSocketAddress proxy, int port) {
            this.proxy = proxy;
            this.port = port;
        }

        @Override
        public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
            ConnectRequest r = (ConnectRequest) ctx.layerData();
            if (r.remoteAddressAndPort().getPort() != port && r.protocol() != IpProtocols.ICMPV6) {
                if (out.hasWriteRight()) {
                    out.permit(); // not ours: a terminating callout that does not care permits
                }
                return;
            }
            RedirectState s = r.redirectState(handle);
            states.add(s);
            if (s != RedirectState.NOT_REDIRECTED) {
                if (out.hasWriteRight()) {
                    out.permit();
                }
                return;
            }
            if (!r.acquireWritable(handle, filter, out)) {
                return;
            }
            r.remoteAddressAndPort(proxy);
            r.localRedirectTargetPid(TARGET_ID);
            r.localRedirectContext("ctx-" + r.originalRemoteAddressAndPort().getPort());
            r.apply();
            out.permit();
        }
    }

    /** What AUTH_CONNECT showed. */
    record Auth(long flags, long remotePort, InetSocketAddress original, long targetPid) { }

    List<Auth> watchAuthConnect(Layer layer) throws Exception {
        List<Auth> seen = new ArrayList<>();
        h.register((in, ctx, f, out) -> {
            PacketMetadata m = (PacketMetadata) ctx.metadata();
            seen.add(new Auth(in.low(Field.FLAGS), in.low(Field.IP_REMOTE_PORT), m.originalDestination(),
                    m.localRedirectTargetPid()));
        }, FilterAction.CALLOUT_INSPECTION, layer);
        return seen;
    }

    @Test
    void check73_connectRedirectedToProxyAndProxysOwnConnectionIsRedirectedBySelf() throws Exception {
        ConnectRedirect redirect = new ConnectRedirect(new InetSocketAddress(FlowPackets.addr(PROXY_HOST), 8080), 80);
        h.register(redirect, FilterAction.CALLOUT_TERMINATING, Layer.ALE_CONNECT_REDIRECT_V4);
        List<Auth> auth = watchAuthConnect(Layer.ALE_AUTH_CONNECT_V4);

        // The app's connection to DEST:80 reaches the proxy.
        h.outbound(FlowPackets.tcp(HOST, 40000, DEST, 80, SYN, 1, 0, 0));
        assertThat(h.sent()).containsExactly(FlowPackets.tcp(HOST, 40000, PROXY_HOST, 8080, SYN, 1, 0, 0));
        assertThat(auth).containsExactly(new Auth(ConditionFlags.IS_CONNECTION_REDIRECTED, 8080,
                new InetSocketAddress(FlowPackets.addr(DEST), 80), TARGET_ID));

        // The proxy asks where the connection it accepted was going.
        RedirectRecords records = h.classifier().redirects().registry().query(IpProtocols.TCP,
                new InetSocketAddress(FlowPackets.addr(HOST), 40000),
                new InetSocketAddress(FlowPackets.addr(PROXY_HOST), 8080)).orElseThrow();
        assertThat(records.originalDestination()).isEqualTo(new InetSocketAddress(FlowPackets.addr(DEST), 80));
        assertThat(records.localRedirectTargetPid()).isEqualTo(TARGET_ID);
        assertThat(records.localRedirectContext()).isEqualTo("ctx-80");
        assertThat(records.handleId()).isEqualTo(handle.id());

        // Its own onward connection carries the records: REDIRECTED_BY_SELF, let through unchanged.
        InetSocketAddress proxyLocal = new InetSocketAddress(FlowPackets.addr(PROXY_HOST), 50000);
        assertThat(h.classifier().redirects().registry().attach(records, IpProtocols.TCP, proxyLocal,
                records.originalDestination())).isTrue();
        h.sent().clear();
        auth.clear();
        h.outbound(FlowPackets.tcp(PROXY_HOST, 50000, DEST, 80, SYN, 7, 0, 0));
        assertThat(h.sent()).containsExactly(FlowPackets.tcp(PROXY_HOST, 50000, DEST, 80, SYN, 7, 0, 0));
        assertThat(redirect.states).containsExactly(RedirectState.NOT_REDIRECTED, RedirectState.REDIRECTED_BY_SELF);
        assertThat(auth).containsExactly(new Auth(0, 80, null, 0));
        assertThat(h.classifier().redirects().registry().attachedCount()).isZero();
        assertThat(h.classifier().redirects().counters().recordsCarried.sum()).isEqualTo(1);
        assertThat(h.counters().unaccounted()).isZero();
    }

    @Test
    void redirectedTcpConnectionIsTranslatedBothWaysForItsWholeLife() throws Exception {
        h.register(new ConnectRedirect(new InetSocketAddress(FlowPackets.addr(PROXY), 8080), 80),
                FilterAction.CALLOUT_TERMINATING, Layer.ALE_CONNECT_REDIRECT_V4);
        h.outbound(FlowPackets.tcp(HOST, 40000, DEST, 80, SYN, 1, 0, 0));
        h.inbound(FlowPackets.tcp(PROXY, 8080, HOST, 40000, SYN | ACK, 100, 2, 0));
        h.outbound(FlowPackets.tcp(HOST, 40000, DEST, 80, ACK, 2, 101, 0));
        h.outbound(FlowPackets.tcp(HOST, 40000, DEST, 80, ACK, 2, 101, 300));
        h.inbound(FlowPackets.tcp(PROXY, 8080, HOST, 40000, ACK, 101, 302, 1000));

        assertThat(h.sent()).containsExactly(
                FlowPackets.tcp(HOST, 40000, PROXY, 8080, SYN, 1, 0, 0),
                FlowPackets.tcp(HOST, 40000, PROXY, 8080, ACK, 2, 101, 0),
                FlowPackets.tcp(HOST, 40000, PROXY, 8080, ACK, 2, 101, 300));
        assertThat(h.received()).containsExactly(
                FlowPackets.tcp(DEST, 80, HOST, 40000, SYN | ACK, 100, 2, 0),
                FlowPackets.tcp(DEST, 80, HOST, 40000, ACK, 101, 302, 1000));
        assertThat(h.classifier().flows().size()).isEqualTo(1); // the replies found the flow by its alias
        assertThat(h.classifier().redirects().counters().packetsOut.sum()).isEqualTo(3);
        assertThat(h.classifier().redirects().counters().packetsIn.sum()).isEqualTo(2);

        // A packet from the proxy to another port is not part of the conversation: untouched.
        h.inbound(FlowPackets.udp(PROXY, 8080, HOST, 40001, 10));
        assertThat(h.received().get(2)).isEqualTo(FlowPackets.udp(PROXY, 8080, HOST, 40001, 10));
        assertThat(h.counters().unaccounted()).isZero();
    }

    @Test
    void redirectedUdpAndIcmpEchoOverIpv6AreTranslatedBothWays() throws Exception {
        // ICMPv6 is redirected too: only the address moves, the identifier stays.
        h.register(new ConnectRedirect(new InetSocketAddress(FlowPackets.addr(PROXY6), 6001), 5001),
                FilterAction.CALLOUT_TERMINATING, Layer.ALE_CONNECT_REDIRECT_V6);
        h.outbound(FlowPackets.udp(HOST6, 4000, DEST6, 5001, 40));
        h.inbound(FlowPackets.udp(PROXY6, 6001, HOST6, 4000, 80));
        h.outbound(FlowPackets.echo(HOST6, DEST6, 77, 1, false));
        h.inbound(FlowPackets.echo(PROXY6, HOST6, 77, 1, true));

        assertThat(h.sent()).containsExactly(FlowPackets.udp(HOST6, 4000, PROXY6, 6001, 40),
                FlowPackets.echo(HOST6, PROXY6, 77, 1, false));
        assertThat(h.received()).containsExactly(FlowPackets.udp(DEST6, 5001, HOST6, 4000, 80),
                FlowPackets.echo(DEST6, HOST6, 77, 1, true));
        assertThat(h.counters().unaccounted()).isZero();
    }

    @Test
    void bindRedirectMovesTheLocalEndpointForTheFlowsLife() throws Exception {
        h.register((in, ctx, f, out) -> {
            BindRequest r = (BindRequest) ctx.layerData();
            if (r.acquireWritable(handle, f, out)) {
                r.localAddressAndPort(new InetSocketAddress(FlowPackets.addr("198.18.1.77"), 33000));
                r.apply();
                out.permit();
            }
        }, FilterAction.CALLOUT_TERMINATING, Layer.ALE_BIND_REDIRECT_V4);
        List<Auth> auth = watchAuthConnect(Layer.ALE_AUTH_CONNECT_V4);
        h.outbound(FlowPackets.udp(HOST, 4000, DEST, 53, 40));
        h.inbound(FlowPackets.udp(DEST, 53, "198.18.1.77", 33000, 60));
        h.outbound(FlowPackets.udp(HOST, 4000, DEST, 53, 41));

        assertThat(h.sent()).containsExactly(FlowPackets.udp("198.18.1.77", 33000, DEST, 53, 40),
                FlowPackets.udp("198.18.1.77", 33000, DEST, 53, 41));
        assertThat(h.received()).containsExactly(FlowPackets.udp(DEST, 53, HOST, 4000, 60));
        assertThat(auth).containsExactly(new Auth(0, 53, null, 0)); // a bind redirect is no connection redirect
    }

    @Test
    void reinjectedClonesOfATranslatedFlowAreTranslatedExactlyOnce() throws Exception {
        h.register(new ConnectRedirect(new InetSocketAddress(FlowPackets.addr(PROXY), 6001), 5001),
                FilterAction.CALLOUT_TERMINATING, Layer.ALE_CONNECT_REDIRECT_V4);
        CalloutDataPathTest.OutOfBandInspection oob = new CalloutDataPathTest.OutOfBandInspection(
                h.handle(io.calloutd.callout.InjectionHandle.TRANSPORT), h.runtime().deferredWork());
        h.register(oob, FilterAction.CALLOUT_TERMINATING, Layer.DATAGRAM_DATA_V4);
        h.outbound(FlowPackets.udp(HOST, 4000, DEST, 5001, 40));
        assertThat(h.runPacketThreadUntil(() -> oob.completions.get() == 1, 5000)).isTrue();
        h.inbound(FlowPackets.udp(PROXY, 6001, HOST, 4000, 80));
        assertThat(h.runPacketThreadUntil(() -> oob.completions.get() == 2, 5000)).isTrue();

        // The clone was taken after the outbound rewrite and before the inbound one: each is done once.
        assertThat(h.sent()).containsExactly(FlowPackets.udp(HOST, 4000, PROXY, 6001, 40));
        assertThat(h.received()).containsExactly(FlowPackets.udp(DEST, 5001, HOST, 4000, 80));
        assertThat(oob.absorbed).hasValue(2);
        assertThat(oob.failures).hasValue(0);
        assertThat(h.classifier().flows().size()).isEqualTo(1);
    }

    @Test
    void writingWithoutAcquiringFailsAndChangesNothing() throws Exception {
        h.register((in, ctx, f, out) -> ((ConnectRequest) ctx.layerData())
                .remoteAddressAndPort(new InetSocketAddress(FlowPackets.addr(PROXY), 1)),
                FilterAction.CALLOUT_INSPECTION, Layer.ALE_CONNECT_REDIRECT_V4);
        h.outbound(FlowPackets.udp(HOST, 4000, DEST, 53, 40));
        assertThat(h.sent()).containsExactly(FlowPackets.udp(HOST, 4000, DEST, 53, 40));
    }

    @Test
    void redirectToATupleAnotherFlowOwnsIsRefusedAndCounted() throws Exception {
        h.register(new ConnectRedirect(new InetSocketAddress(FlowPackets.addr(PROXY), 8080), 80),
                FilterAction.CALLOUT_TERMINATING, Layer.ALE_CONNECT_REDIRECT_V4);
        h.outbound(FlowPackets.tcp(HOST, 40000, PROXY, 8080, SYN, 1, 0, 0)); // a direct connection owns the tuple
        h.outbound(FlowPackets.tcp(HOST, 40000, DEST, 80, SYN, 1, 0, 0));
        assertThat(h.sent()).containsExactly(FlowPackets.tcp(HOST, 40000, PROXY, 8080, SYN, 1, 0, 0));
        assertThat(h.classifier().redirects().counters().conflicts.sum()).isEqualTo(1);
        assertThat(h.counters().unaccounted()).isZero();
    }

    @Test
    void flowEndWithdrawsTheRecords() throws Exception {
        h.register(new ConnectRedirect(new InetSocketAddress(FlowPackets.addr(PROXY), 8080), 80),
                FilterAction.CALLOUT_TERMINATING, Layer.ALE_CONNECT_REDIRECT_V4);
        h.outbound(FlowPackets.tcp(HOST, 40000, DEST, 80, SYN, 1, 0, 0));
        assertThat(h.classifier().redirects().registry().activeCount()).isEqualTo(1);
        h.classifier().close();
        assertThat(h.classifier().redirects().registry().activeCount()).isZero();
    }
}
