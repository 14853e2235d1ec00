package io.calloutd.fragment;

import static io.calloutd.testing.fragments.FragmentPackets.udpV4;
import static io.calloutd.testing.fragments.FragmentPackets.v4Fragment;
import static io.calloutd.testing.fragments.FragmentPackets.v4Split;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IpV4Packet;

/** Memory thresholds, datagram and fragment caps, close(). */
class ReassemblerLimitsTest {

    @Test
    void floodOfIncompleteDatagramsStaysUnderTheHighThreshold() {
        ReassemblyConfig config = ReassemblyConfig.builder().highThresholdBytes(64 * 1024)
                .lowThresholdBytes(48 * 1024).build();
        try (Feed feed = new Feed(config)) {
            for (int id = 0; id < 2000; id++) {
                IpV4Packet p = udpV4(3000, id, false, id);
                feed.offer(v4Fragment(p, 0, 1480, true)); // first fragment only: never completes
                assertThat(feed.reassembler.memoryBytes()).isLessThanOrEqualTo(config.highThresholdBytes())
                        .isGreaterThanOrEqualTo(0);
            }
            assertThat(feed.reassembler.stats().memoryPeakBytes()).isLessThanOrEqualTo(config.highThresholdBytes());
            // 1500 B charged per datagram: 44 fit under 64 KiB, eviction brings it back to 32 (<= 48 KiB)
            assertThat(feed.dropped(FragmentDropReason.MEMORY_LIMIT)).isGreaterThan(1900);
            assertThat(feed.reassembler.memoryBytes()).isEqualTo(feed.reassembler.pendingDatagrams() * 1500L);
            // a legitimate datagram still gets through
            IpV4Packet good = udpV4(3000, 60000, false, 99);
            feed.offerAll(v4Split(good, 1480));
            assertThat(feed.completed).hasSize(1);
            assertThat(feed.completed.get(0)).isEqualTo(good.getRawData());
            feed.alloc.assertAllReleasedExcept(feed.reassembler.pendingDatagrams());
        }
    }

    @Test
    void oldestDatagramIsEvictedAtTheDatagramCap() {
        ReassemblyConfig config = ReassemblyConfig.builder().maxDatagrams(4).build();
        try (Feed feed = new Feed(config)) {
            IpV4Packet first = udpV4(3000, 1, false, 1);
            feed.offer(v4Fragment(first, 0, 1480, true));
            for (int id = 2; id <= 5; id++) {
                feed.now += 1000;
                feed.offer(v4Fragment(udpV4(3000, id, false, id), 0, 1480, true));
            }
            assertThat(feed.dropped(FragmentDropReason.DATAGRAM_LIMIT)).isEqualTo(1);
            assertThat(feed.reassembler.pendingDatagrams()).isEqualTo(4);
            // datagram 1 was the victim: its remaining fragments start over rather than complete
            List<byte[]> rest = v4Split(first, 1480).subList(1, 3);
            feed.offerAll(rest);
            assertThat(feed.completed).isEmpty();
        }
    }

    @Test
    void fragmentCapDiscardsTheDatagram() {
        ReassemblyConfig config = ReassemblyConfig.builder().maxFragmentsPerDatagram(4).build();
        IpV4Packet p = udpV4(200, 9, false, 1);
        try (Feed feed = new Feed(config)) {
            List<ReassemblyResult> r = feed.offerAll(v4Split(p, 40)); // 6 fragments
            assertThat(r.get(4)).isSameAs(ReassemblyResult.discarded(FragmentDropReason.TOO_MANY_FRAGMENTS));
            assertThat(feed.dropped(FragmentDropReason.TOO_MANY_FRAGMENTS)).isEqualTo(1);
        }
    }

    @Test
    void closeReleasesEverything() {
        Feed feed = new Feed();
        for (int id = 0; id < 10; id++) {
            feed.offer(v4Fragment(udpV4(3000, id, false, id), 1480, 1480, true));
        }
        assertThat(feed.reassembler.memoryBytes()).isEqualTo(10 * 1500L);
        feed.close(); // asserts memory 0 and every buffer released
        assertThat(feed.dropped(FragmentDropReason.CLOSED)).isEqualTo(10);
    }
}
