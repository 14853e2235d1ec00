package io.calloutd.callouts.inspect;

import static io.calloutd.callouts.testkit.Packets.ACK;
import static io.calloutd.callouts.testkit.Packets.PSH;
import static io.calloutd.callouts.testkit.Packets.SYN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calloutd.callout.CalloutFactory;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.RegisteredCallout;
import io.calloutd.callouts.testkit.Packets;
import io.calloutd.engine.Condition;
import io.calloutd.engine.Field;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Value;
import io.calloutd.testkit.CalloutTestPath;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@code inspect} callout on real packets through the real pipeline (§7.1, check 69, check 31). */
class InspectCalloutTest {
    static final String HOST = "198.18.1.2", R = "198.18.2.2", OTHER = "198.18.2.3";
    static final Layer[] LAYERS = {Layer.ALE_AUTH_CONNECT_V4, Layer.ALE_AUTH_RECV_ACCEPT_V4,
        Layer.OUTBOUND_TRANSPORT_V4, Layer.INBOUND_TRANSPORT_V4};
    static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: r\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII);

    final CalloutTestPath path = CalloutTestPath.create();
    InspectCallout inspect;

    @AfterEach
    void close() {
        if (inspect != null) inspect.close();
        path.close();
    }

    private void start(boolean block) throws Exception {
        CalloutInstance c = new InspectFactory().create(Map.of("remoteAddress", R, "blockTraffic", block ? 1 : 0), path.services());
        inspect = (InspectCallout) c;
        Condition remote = Condition.eq(Field.IP_REMOTE_ADDRESS, Value.v4(0xC6120202)); // 198.18.2.2
        path.register(c, FilterAction.CALLOUT_TERMINATING, new Condition[] {remote}, LAYERS);
    }

    /** Sends one packet and waits until the inspection of it is finished and {@code sent}/{@code received} reached. */
    private void step(byte[] p, boolean out, int sent, int received) throws Exception {
        if (out) path.outbound(p); else path.inbound(p);
        assertThat(path.runPacketThreadUntil(() -> inspect.inFlight() == 0 && path.sent().size() >= sent
                && path.received().size() >= received, 5000)).as("packet finished: " + inspect.status()).isTrue();
    }

    @Test
    void check69_permitMode_connectionToTheWatchedAddressWorksAndEveryPacketIsReinjectedExactlyOnce() throws Exception {
        start(false);
        byte[][] out = {
            Packets.tcp(HOST, 40000, R, 80, SYN, 1, 0, 0),
            Packets.tcp(HOST, 40000, R, 80, ACK, 2, 101, 0),
            Packets.tcp(HOST, 40000, R, 80, ACK | PSH, 2, 101, REQUEST),
            Packets.udp(HOST, 4000, R, 7000, "ping".getBytes(StandardCharsets.US_ASCII)),
            Packets.echo(HOST, R, 9, 1, false),
        };
        byte[][] in = {
            Packets.tcp(R, 80, HOST, 40000, SYN | ACK, 100, 2, 0),
            Packets.tcp(R, 80, HOST, 40000, ACK | PSH, 101, 2 + REQUEST.length, RESPONSE),
            Packets.udp(R, 7000, HOST, 4000, "pong".getBytes(StandardCharsets.US_ASCII)),
            Packets.echo(R, HOST, 9, 1, true),
        };
        step(out[0], true, 1, 0);
        step(in[0], false, 1, 1);
        step(out[1], true, 2, 1);
        step(out[2], true, 3, 1);
        step(in[1], false, 3, 2);
        step(out[3], true, 4, 2);
        step(in[2], false, 4, 3);
        step(out[4], true, 5, 3);
        step(in[3], false, 5, 4);
        path.drain(50);

        // Byte-identical and exactly once each (check 69), in order.
        assertThat(path.sent()).containsExactly(out);
        assertThat(path.received()).containsExactly(in);
        Map<String, Object> s = inspect.status();
        assertThat(s).containsEntry("absorbedOut", 5L).containsEntry("reinjectedOut", 5L)
                .containsEntry("absorbedIn", 4L).containsEntry("reinjectedIn", 4L)
                .containsEntry("connectsPermitted", 3L) // TCP, UDP and ICMP flows, initiated inside
                .containsEntry("acceptsPermitted", 0L)
                .containsEntry("blockedDrops", 0L).containsEntry("injectFailures", 0L).containsEntry("inFlight", 0L);
        // Every reinjected copy came back to the transport layer once and was let through (no loop, check 31).
        assertThat((Long) s.get("selfInjectedPermitted")).isEqualTo(9L);
        long ipBytesOut = 0, ipBytesIn = 0;
        for (byte[] p : out) ipBytesOut += p.length;
        for (byte[] p : in) ipBytesIn += p.length;
        assertThat(s).containsEntry("bytesInspectedOut", ipBytesOut).containsEntry("bytesInspectedIn", ipBytesIn);
        assertThat(path.counters().injectionsAccepted()).isEqualTo(9);
        assertThat(path.counters().dropsByVerdict()).isEqualTo(9); // the absorbed originals, nothing else
        assertThat(path.counters().unaccounted()).isZero();
        assertThat(path.runtime().injector().deferredInjections()).isZero(); // injected from the worker, off the packet thread
    }

    @Test
    void check69_permitMode_inboundConnectionFromTheWatchedAddressIsAccepted() throws Exception {
        start(false);
        byte[] syn = Packets.tcp(R, 5555, HOST, 22, SYN, 100, 0, 0);
        byte[] synAck = Packets.tcp(HOST, 22, R, 5555, SYN | ACK, 7, 101, 0);
        byte[] ack = Packets.tcp(R, 5555, HOST, 22, ACK, 101, 8, 0);
        step(syn, false, 0, 1);
        step(synAck, true, 1, 1);
        step(ack, false, 1, 2);
        assertThat(path.received()).containsExactly(syn, ack);
        assertThat(path.sent()).containsExactly(synAck);
        // The SYN opens the flow (ALE_CLASSIFY_REQUIRED): not injectable from INBOUND_TRANSPORT, it is permitted
        // there and decided at RECV_ACCEPT (check 47), as the WDK sample does; the ACK is inspected out of band.
        assertThat(inspect.status()).containsEntry("aleClassifyRequired", 1L).containsEntry("acceptsPermitted", 1L)
                .containsEntry("reinjectedIn", 1L).containsEntry("reinjectedOut", 1L);
    }

    @Test
    void check69_blockMode_connectFailsInboundSynIsDroppedSilentlyOtherAddressesUntouched() throws Exception {
        start(true);
        path.outbound(Packets.tcp(HOST, 40001, R, 80, SYN, 1, 0, 0));                       // connect to R
        path.outbound(Packets.udp(HOST, 4001, R, 7000, new byte[] {1, 2, 3}));             // first datagram to R
        path.inbound(Packets.tcp(R, 5556, HOST, 22, SYN, 100, 0, 0));                       // SYN from R
        path.inbound(Packets.tcp(R, 5556, HOST, 22, SYN, 100, 0, 0));                       // its retransmission
        byte[] otherOut = Packets.tcp(HOST, 40002, OTHER, 80, SYN, 1, 0, 0);
        byte[] otherIn = Packets.tcp(OTHER, 80, HOST, 40002, SYN | ACK, 100, 2, 0);
        path.outbound(otherOut);
        path.inbound(otherIn);
        assertThat(path.runPacketThreadUntil(() -> inspect.inFlight() == 0, 5000)).isTrue();
        path.drain(50);

        assertThat(path.sent()).containsExactly(otherOut); // no SYN to R, no RST to R
        assertThat(path.received()).containsExactly(otherIn);
        Map<String, Object> s = inspect.status();
        // The SYNs from R are dropped silently at RECV_ACCEPT (BLOCK + ABSORB), not held at INBOUND_TRANSPORT.
        assertThat(s).containsEntry("connectsBlocked", 2L).containsEntry("aleClassifyRequired", 2L)
                .containsEntry("acceptsDropped", 2L).containsEntry("absorbedIn", 0L)
                .containsEntry("reinjectedIn", 0L).containsEntry("reinjectedOut", 0L);
        assertThat(path.counters().injectionsAccepted()).isZero();
        assertThat(path.counters().unaccounted()).isZero();
    }

    @Test
    void withoutAFilterConditionOtherAddressesAreStillUntouched() throws Exception {
        CalloutInstance c = new InspectFactory().create(Map.of("remoteAddress", R, "blockTraffic", true), path.services());
        inspect = (InspectCallout) c;
        RegisteredCallout reg = path.register(c, FilterAction.CALLOUT_TERMINATING, LAYERS);
        byte[] syn = Packets.tcp(HOST, 40003, OTHER, 443, SYN, 1, 0, 0);
        path.outbound(syn);
        assertThat(path.sent()).containsExactly(syn);
        assertThat(reg.timing().invocations()).isEqualTo(2); // AUTH_CONNECT and OUTBOUND_TRANSPORT, both permitted
        assertThat(inspect.status()).containsEntry("otherAddressPermitted", 2L);
    }

    @Test
    void parametersAreCheckedAndTheTypeIsFoundByTheServiceLoader() {
        InspectFactory f = new InspectFactory();
        assertThatThrownBy(() -> f.create(Map.of(), path.services())).hasMessageStartingWith("remoteAddress: required");
        assertThatThrownBy(() -> f.create(Map.of("remoteAddress", "example.org"), path.services()))
                .hasMessageStartingWith("remoteAddress: not an IP address");
        assertThatThrownBy(() -> f.create(Map.of("remoteAddress", R, "blockTraffic", 2), path.services()))
                .hasMessageStartingWith("blockTraffic:");
        assertThatThrownBy(() -> f.create(Map.of("remoteAddress", R, "block", 1), path.services()))
                .hasMessageStartingWith("block: unknown parameter");
        List<String> types = ServiceLoader.load(CalloutFactory.class).stream().map(p -> p.get().type()).toList();
        assertThat(types).contains("inspect", "basic-injection");
    }
}
