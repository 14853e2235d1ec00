package io.calloutd.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DropReasonTest {

    @Test
    void metricNamesAreUniqueLowerSnake() {
        Set<String> names = new HashSet<>();
        for (DropReason r : DropReason.values()) {
            assertThat(r.metricName()).matches("[a-z0-9]+(_[a-z0-9]+)*");
            assertThat(names.add(r.metricName())).isTrue();
            assertThat(r.category()).isNotNull();
        }
        assertThat(DropReason.IPV4_BAD_IHL.metricName()).isEqualTo("ipv4_bad_ihl");
        assertThat(DropReason.TCP_BAD_DATA_OFFSET.category()).isEqualTo(DropCategory.MALFORMED);
    }

    @Test
    void countersCountAndSnapshot() throws Exception {
        DropCounters c = new DropCounters();
        c.increment(DropReason.EMPTY);
        c.increment(DropReason.EMPTY);
        c.add(DropReason.UDP_BAD_LENGTH, 5);
        assertThat(c.get(DropReason.EMPTY)).isEqualTo(2);
        assertThat(c.get(DropReason.TCP_TRUNCATED)).isZero();
        assertThat(c.total()).isEqualTo(7);
        assertThat(c.total(DropCategory.MALFORMED)).isEqualTo(7);
        assertThat(c.snapshot()).isEqualTo(Map.of(DropReason.EMPTY, 2L, DropReason.UDP_BAD_LENGTH, 5L));
        // Another thread sees the writer's counts.
        AtomicLong seen = new AtomicLong();
        Thread t = new Thread(() -> seen.set(c.total()));
        t.start();
        t.join();
        assertThat(seen.get()).isEqualTo(7);
    }
}
