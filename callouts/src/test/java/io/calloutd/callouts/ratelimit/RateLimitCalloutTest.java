package io.calloutd.callouts.ratelimit;

import static io.calloutd.callouts.testkit.Packets.SYN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calloutd.callouts.testkit.Packets;
import io.calloutd.engine.Field;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.Layer;
import io.calloutd.testkit.CalloutTestPath;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-source token buckets: the table itself with a fake clock, then on real packets through the data path. */
class RateLimitCalloutTest {
    static final String HOST = "198.18.1.2", A = "198.18.2.2", B = "198.18.2.3";
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final CalloutTestPath path = CalloutTestPath.create();

    @AfterEach
    void close() {
        path.close();
    }

    private void advanceMillis(long ms) {
        clock.addAndGet(ms * 1_000_000L);
    }

    @Test
    void bucketAllowsTheBurstThenTheRateAndNeverMoreThanTheBurst() {
        TokenBuckets b = new TokenBuckets(64, 2, 3, clock::get);
        assertThat(b.tryAcquire(0, 1)).isTrue();
        assertThat(b.tryAcquire(0, 1)).isTrue();
        assertThat(b.tryAcquire(0, 1)).isTrue();
        assertThat(b.tryAcquire(0, 1)).isFalse();
        assertThat(b.tryAcquire(0, 2)).as("another source has its own bucket").isTrue();
        advanceMillis(499);
        assertThat(b.tryAcquire(0, 1)).as("0.998 tokens").isFalse();
        advanceMillis(1);
        assertThat(b.tryAcquire(0, 1)).as("one token after 500 ms at 2/s").isTrue();
        assertThat(b.tryAcquire(0, 1)).isFalse();
        advanceMillis(60_000);
        int n = 0;
        while (b.tryAcquire(0, 1)) n++;
        assertThat(n).as("refill is capped at the burst").isEqualTo(3);
        assertThat(b.sources()).isEqualTo(2);
        assertThat(b.evictions()).isZero();
    }

    @Test
    void aFullSetEvictsTheSourceRefilledLongestAgoAndCountsIt() {
        TokenBuckets b = new TokenBuckets(4, 1, 1, clock::get); // one set of 4 ways
        assertThat(b.capacity()).isEqualTo(4);
        for (long s = 1; s <= 4; s++) {
            assertThat(b.tryAcquire(0, s)).isTrue();
            advanceMillis(10);
        }
        assertThat(b.tryAcquire(0, 1)).as("source 1 is empty (refilled 0.04 tokens)").isFalse();
        assertThat(b.tryAcquire(0, 5)).as("source 5 takes the slot of source 2, the oldest").isTrue();
        assertThat(b.evictions()).isEqualTo(1);
        assertThat(b.sources()).isEqualTo(4);
        assertThat(b.tryAcquire(0, 2)).as("source 2 comes back with a full bucket, evicting another").isTrue();
        assertThat(b.evictions()).isEqualTo(2);
    }

    @Test
    void newConnectionsPerSourceAreLimitedAtRecvAcceptAndCounted() throws Exception {
        RateLimitCallout c = new RateLimitCallout(1, 2, 1024, Field.IP_REMOTE_ADDRESS, clock::get);
        path.register(c, FilterAction.CALLOUT_TERMINATING, Layer.ALE_AUTH_RECV_ACCEPT_V4);
        for (int port = 5000; port < 5004; port++) path.inbound(Packets.tcp(A, port, HOST, 22, SYN, 100, 0, 0));
        byte[] fromB = Packets.tcp(B, 6000, HOST, 22, SYN, 100, 0, 0);
        path.inbound(fromB);
        assertThat(path.received()).containsExactly(Packets.tcp(A, 5000, HOST, 22, SYN, 100, 0, 0),
                Packets.tcp(A, 5001, HOST, 22, SYN, 100, 0, 0), fromB);
        assertThat(c.status()).containsEntry("allowed", 3L).containsEntry("limited", 2L).containsEntry("sources", 2L);
        advanceMillis(1000);
        byte[] later = Packets.tcp(A, 5010, HOST, 22, SYN, 100, 0, 0);
        path.inbound(later);
        assertThat(path.received()).hasSize(4).endsWith(later);
        assertThat(path.counters().unaccounted()).isZero();
    }

    @Test
    void packetsPerSourceAreLimitedAtInboundTransport() throws Exception {
        RateLimitCallout c = new RateLimitCallout(1000, 5, 1024, Field.IP_REMOTE_ADDRESS, clock::get);
        path.register(c, FilterAction.CALLOUT_TERMINATING, Layer.INBOUND_TRANSPORT_V4);
        for (int i = 0; i < 8; i++) path.inbound(Packets.udp(A, 7000, HOST, 7001, new byte[] {(byte) i}));
        assertThat(path.received()).hasSize(5);
        assertThat(c.status()).containsEntry("allowed", 5L).containsEntry("limited", 3L);
    }

    @Test
    void parametersAreChecked() {
        RateLimitFactory f = new RateLimitFactory();
        assertThatThrownBy(() -> f.create(Map.of(), path.services())).hasMessageStartingWith("rate: required");
        assertThatThrownBy(() -> f.create(Map.of("rate", 0), path.services())).hasMessageStartingWith("rate:");
        assertThatThrownBy(() -> f.create(Map.of("rate", 10, "burst", 2_000_000), path.services())).hasMessageStartingWith("burst:");
        assertThatThrownBy(() -> f.create(Map.of("rate", 10, "key", "port"), path.services())).hasMessageStartingWith("key:");
        assertThat(f.create(Map.of("rate", 10), path.services()).status()).containsEntry("burst", 10L).containsEntry("capacity", 65536L);
    }
}
