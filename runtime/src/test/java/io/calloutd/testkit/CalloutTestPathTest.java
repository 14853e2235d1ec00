package io.calloutd.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.engine.Callout;
import io.calloutd.engine.Field;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.Layer;
import io.calloutd.engine.NetEventType;
import io.calloutd.flow.FlowPackets;
import io.calloutd.inject.InjectionResult;
import org.junit.jupiter.api.Test;

/** The kit itself, through the worked example of docs/callouts.md ("Testing a callout"). */
class CalloutTestPathTest {
    static final String HOST = "198.18.1.2", DNS = "198.18.2.53";

    /** The callout under test: blocks outbound DNS (UDP to port 53), lets everything else through. */
    static final Callout NO_DNS = (in, ctx, filter, out) -> {
        if (in.low(Field.IP_REMOTE_PORT) == 53) {
            out.block();
        } else {
            out.permit();
        }
    };

    @Test
    void workedExampleBlocksDnsAndPassesTheRest() throws Exception {
        try (CalloutTestPath path = CalloutTestPath.create()) {
            path.register(NO_DNS, FilterAction.CALLOUT_TERMINATING, Layer.OUTBOUND_TRANSPORT_V4);

            byte[] dns = FlowPackets.udp(HOST, 40000, DNS, 53, 30);
            byte[] ntp = FlowPackets.udp(HOST, 40001, DNS, 123, 48);
            path.outbound(dns);
            path.outbound(ntp);

            assertThat(path.sent()).containsExactly(ntp);
            assertThat(path.received()).isEmpty();
            assertThat(path.counters().dropsByVerdict()).isEqualTo(1);
            assertThat(path.netEvents()).extracting(e -> e.type()).containsExactly(NetEventType.CLASSIFY_DROP);
        }
    }

    @Test
    void inboundPacketsReachTheReceivePath() {
        try (CalloutTestPath path = CalloutTestPath.create()) {
            byte[] reply = FlowPackets.udp(DNS, 53, HOST, 40000, 60);
            path.inbound(reply);
            assertThat(path.received()).containsExactly(reply);
            assertThat(path.sent()).isEmpty();
        }
    }

    @Test
    void refusedInjectionsAreRecordedAndCounted() {
        try (CalloutTestPath path = CalloutTestPath.create()) {
            path.injector().result(InjectionResult.REFUSED);
            byte[] p = FlowPackets.udp(HOST, 40000, DNS, 123, 10);
            path.outbound(p);
            assertThat(path.sent()).containsExactly(p);
            assertThat(path.counters().dropsInjectionFailed()).isEqualTo(1);
            path.injector().clear();
            assertThat(path.sent()).isEmpty();
            assertThat(path.injector().sentAlignment()).isEmpty();
        }
    }

    @Test
    void aManualClockDrivesNetEventTimes() throws Exception {
        long[] now = {5_000_000_000L};
        try (CalloutTestPath path = CalloutTestPath.builder().clock(() -> now[0]).build()) {
            path.register(NO_DNS, FilterAction.CALLOUT_TERMINATING, Layer.OUTBOUND_TRANSPORT_V4);
            path.outbound(FlowPackets.udp(HOST, 40000, DNS, 53, 30));
            assertThat(path.netEvents()).singleElement().satisfies(e -> assertThat(e.timeMillis()).isEqualTo(5_000));
        }
    }
}
