package io.calloutd.fragment;

import static io.calloutd.testing.fragments.FragmentPackets.udpV4;
import static io.calloutd.testing.fragments.FragmentPackets.v4Builder;
import static io.calloutd.testing.fragments.FragmentPackets.v4Fragment;
import static io.calloutd.testing.fragments.FragmentPackets.v4FragmentWith;
import static io.calloutd.testing.fragments.FragmentPackets.v4Split;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;

/** IPv4 reassembly: delivery orders and the attack layouts, against packets built by pcap4j. */
class ReassemblerV4Test {

    static Stream<Arguments> deliveries() {
        UnaryOperator<List<byte[]>> inOrder = l -> l;
        UnaryOperator<List<byte[]>> reverse = l -> {
            List<byte[]> c = new ArrayList<>(l);
            Collections.reverse(c);
            return c;
        };
        UnaryOperator<List<byte[]>> duplicates = l -> {
            List<byte[]> c = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                c.add(l.get(i));
                if (i < l.size() - 1) {
                    c.add(l.get(i)); // every fragment but the completing one twice
                }
            }
            return c;
        };
        return Stream.of(
                Arguments.of("in order, 3000 B / 1480", 3000, 1480, inOrder, 0),
                Arguments.of("reverse", 3000, 1480, reverse, 0),
                Arguments.of("shuffled seed 1", 9000, 1480, shuffled(1), 0),
                Arguments.of("shuffled seed 2", 9000, 1480, shuffled(2), 0),
                Arguments.of("shuffled seed 3", 9000, 512, shuffled(3), 0),
                Arguments.of("duplicates", 9000, 1480, duplicates, 6),
                Arguments.of("many small (8 B, 51 fragments)", 400, 8, shuffled(4), 0),
                Arguments.of("64 KiB datagram", 65535 - 28, 1480, inOrder, 0),
                Arguments.of("64 KiB datagram shuffled", 65535 - 28, 1480, shuffled(5), 0));
    }

    private static UnaryOperator<List<byte[]>> shuffled(long seed) {
        return l -> {
            List<byte[]> c = new ArrayList<>(l);
            Collections.shuffle(c, new Random(seed));
            return c;
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deliveries")
    void reassemblesExactlyTheOriginal(String name, int udpData, int chunk, UnaryOperator<List<byte[]>> order,
                                       int expectedDuplicates) throws Exception {
        IpV4Packet original = udpV4(udpData, 0x1234, false, udpData);
        try (Feed feed = new Feed()) {
            List<ReassemblyResult> results = feed.offerAll(order.apply(v4Split(original, chunk)));
            assertThat(results.get(results.size() - 1).kind()).isEqualTo(ReassemblyResult.Kind.COMPLETE);
            assertThat(feed.completed).hasSize(1);
            byte[] got = feed.completed.get(0);
            assertThat(got).isEqualTo(original.getRawData());
            IpV4Packet parsed = IpV4Packet.newPacket(got, 0, got.length);
            assertThat(parsed.getHeader().hasValidChecksum(false)).isTrue();
            assertThat(parsed.get(UdpPacket.class).hasValidChecksum(parsed.getHeader().getSrcAddr(),
                    parsed.getHeader().getDstAddr(), false)).isTrue();
            assertThat(feed.dropped(FragmentDropReason.DUPLICATE)).isEqualTo(expectedDuplicates);
            assertThat(feed.reassembler.stats().datagramsReassembled()).isEqualTo(1);
            assertThat(feed.reassembler.memoryBytes()).isZero();
        }
    }

    @Test
    void pcap4jFragmentsReassembleAndMaxFragmentSizeIsReported() throws Exception {
        IpV4Packet original = udpV4(4000, 77, false, 9);
        List<IpV4Packet> frags = org.pcap4j.util.IpV4Helper.fragment(original, 1500);
        try (Feed feed = new Feed()) {
            ReassemblyResult last = null;
            for (IpV4Packet f : frags) {
                last = feed.offer(f.getRawData());
            }
            assertThat(last.kind()).isEqualTo(ReassemblyResult.Kind.COMPLETE);
            assertThat(last.maxFragmentSize()).isEqualTo(1500);
            assertThat(last.identification()).isEqualTo(77);
            assertThat(feed.completed.get(0)).isEqualTo(original.getRawData());
        }
    }

    @Test
    void notAFragmentIsPassedThrough() {
        try (Feed feed = new Feed()) {
            assertThat(feed.offer(udpV4(100, 1, false, 1).getRawData())).isSameAs(ReassemblyResult.NOT_A_FRAGMENT);
            assertThat(feed.reassembler.stats().notFragments()).isEqualTo(1);
        }
    }

    @Test
    void missingFragmentTimesOutAfter30Seconds() {
        IpV4Packet original = udpV4(3000, 5, false, 2);
        List<byte[]> frags = v4Split(original, 1480);
        try (Feed feed = new Feed()) {
            assertThat(feed.offer(frags.get(0)).kind()).isEqualTo(ReassemblyResult.Kind.HELD);
            assertThat(feed.offer(frags.get(2)).kind()).isEqualTo(ReassemblyResult.Kind.HELD);
            assertThat(feed.reassembler.memoryBytes()).isEqualTo(frags.get(0).length + frags.get(2).length);
            long start = feed.now;
            assertThat(feed.reassembler.expire(start + Duration.ofSeconds(30).toNanos() - 1)).isZero();
            assertThat(feed.reassembler.expire(start + Duration.ofSeconds(30).toNanos())).isEqualTo(1);
            assertThat(feed.dropped(FragmentDropReason.TIMEOUT)).isEqualTo(1);
            assertThat(feed.reassembler.memoryBytes()).isZero();
            feed.alloc.assertAllReleased();
            // the late fragment starts a new reassembly rather than completing anything
            assertThat(feed.offer(frags.get(1)).kind()).isEqualTo(ReassemblyResult.Kind.HELD);
        }
    }

    /** A held fragment with the given offset/length/flag, carrying filler data. */
    private static byte[] frag(IpV4Packet template, int offset, int length, boolean more) {
        byte[] data = new byte[length];
        java.util.Arrays.fill(data, (byte) ('A' + offset / 8 % 26));
        return v4FragmentWith(template, offset, data, more);
    }

    static Stream<Arguments> discards() {
        IpV4Packet udp = udpV4(200, 42, false, 3);
        IpV4Packet tcp = v4Builder(43, IpNumber.TCP).payloadBuilder(new UnknownPacket.Builder()
                .rawData(new byte[64])).build();
        return Stream.of(
                // TCP first fragment of 16 bytes cannot hold the 20-byte TCP header (RFC 1858)
                Arguments.of("tiny first fragment", List.of(frag(tcp, 0, 16, true)),
                        FragmentDropReason.TINY_FIRST_FRAGMENT),
                // teardrop: the second fragment lies inside the first and ends before it
                Arguments.of("teardrop", List.of(frag(udp, 0, 48, true), frag(udp, 24, 4, false)),
                        FragmentDropReason.OVERLAP),
                // second fragment starts inside the first one (partial overlap at its start)
                Arguments.of("overlap 8 bytes at start", List.of(frag(udp, 0, 24, true), frag(udp, 16, 24, true)),
                        FragmentDropReason.OVERLAP),
                // last fragment [16,25) held; the only possible next offset 24 overlaps it by one byte
                Arguments.of("overlap by one byte", List.of(frag(udp, 16, 9, false), frag(udp, 24, 8, true)),
                        FragmentDropReason.OVERLAP),
                // same offset, different length: not an exact duplicate
                Arguments.of("same offset longer", List.of(frag(udp, 8, 8, true), frag(udp, 8, 16, true)),
                        FragmentDropReason.OVERLAP),
                // a new fragment that completely covers a held one
                Arguments.of("covering fragment", List.of(frag(udp, 16, 8, true), frag(udp, 8, 24, true)),
                        FragmentDropReason.OVERLAP),
                Arguments.of("unaligned non-last", List.of(frag(udp, 0, 12, true)), FragmentDropReason.UNALIGNED),
                Arguments.of("empty fragment", List.of(frag(udp, 8, 0, true)), FragmentDropReason.EMPTY_FRAGMENT),
                // classic ping of death: last fragment at offset 65512 with 1480 bytes
                Arguments.of("ping of death", List.of(frag(udp, 65512, 1480, false)), FragmentDropReason.OVERSIZE),
                // two different ends: last fragment says 16 bytes, then data at 24..32 arrives
                Arguments.of("data beyond the end", List.of(frag(udp, 8, 8, false), frag(udp, 24, 8, true)),
                        FragmentDropReason.CONFLICTING_END),
                Arguments.of("two different last fragments", List.of(frag(udp, 8, 8, false), frag(udp, 24, 8, false)),
                        FragmentDropReason.CONFLICTING_END),
                Arguments.of("truncated header", List.of(new byte[] {0x45, 0, 0, 20}), FragmentDropReason.MALFORMED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("discards")
    void discardsWithTheExactReason(String name, List<byte[]> packets, FragmentDropReason expected) {
        try (Feed feed = new Feed()) {
            List<ReassemblyResult> results = feed.offerAll(packets);
            assertThat(results.get(results.size() - 1)).isSameAs(ReassemblyResult.discarded(expected));
            for (FragmentDropReason r : FragmentDropReason.values()) {
                assertThat(feed.dropped(r)).as(r.metricName()).isEqualTo(r == expected ? 1 : 0);
            }
            if (expected.discardsDatagram()) {
                assertThat(feed.reassembler.pendingDatagrams()).isZero();
                assertThat(feed.reassembler.memoryBytes()).isZero();
            }
            assertThat(feed.completed).isEmpty();
        }
    }

    /**
     * Reassembled length over 65535 discovered only at completion: 20-byte header + 65520 payload bytes,
     * every fragment individually within limits.
     */
    @Test
    void oversizeAtCompletionIsDiscarded() {
        IpV4Packet udp = udpV4(100, 44, false, 3);
        List<byte[]> packets = new ArrayList<>();
        for (int off = 0; off < 65520; off += 1480) {
            int len = Math.min(1480, 65520 - off);
            packets.add(frag(udp, off, len, off + len < 65520));
        }
        try (Feed feed = new Feed()) {
            List<ReassemblyResult> results = feed.offerAll(packets);
            assertThat(results.get(results.size() - 1)).isSameAs(ReassemblyResult.discarded(FragmentDropReason.OVERSIZE));
            assertThat(feed.dropped(FragmentDropReason.OVERSIZE)).isEqualTo(1);
            assertThat(feed.reassembler.memoryBytes()).isZero();
        }
    }

    /**
     * The six-fragment overlap layout described in Novak's "Target-Based Fragmentation Reassembly" (2005),
     * used to fingerprint how stacks favour old or new data. In 8-byte units (offset, length):
     * (1,3) (5,2) (7,3) (2,4) (6,3) (9,3), then the zero-offset fragment (0,1). Stacks that overwrite differ
     * in the result; RFC 5722 semantics discard instead: fragment 4 overlaps fragment 1 so the datagram dies
     * there; fragments 5, 6 and the zero-offset one start a fresh, non-overlapping reassembly that never
     * completes and times out.
     */
    @Test
    void novakLayoutIsDiscardedNotResolved() {
        IpV4Packet udp = udpV4(100, 45, false, 3);
        List<byte[]> packets = List.of(frag(udp, 8, 24, true), frag(udp, 40, 16, true), frag(udp, 56, 24, true),
                frag(udp, 16, 32, true), frag(udp, 48, 24, true), frag(udp, 72, 24, false), frag(udp, 0, 8, true));
        try (Feed feed = new Feed()) {
            List<ReassemblyResult> results = feed.offerAll(packets);
            assertThat(results.stream().map(ReassemblyResult::kind)).containsExactly(
                    ReassemblyResult.Kind.HELD, ReassemblyResult.Kind.HELD, ReassemblyResult.Kind.HELD,
                    ReassemblyResult.Kind.DISCARDED, ReassemblyResult.Kind.HELD, ReassemblyResult.Kind.HELD,
                    ReassemblyResult.Kind.HELD);
            assertThat(feed.dropped(FragmentDropReason.OVERLAP)).isEqualTo(1);
            feed.reassembler.expire(feed.now + Duration.ofSeconds(30).toNanos());
            assertThat(feed.dropped(FragmentDropReason.TIMEOUT)).isEqualTo(1);
            assertThat(feed.completed).isEmpty();
        }
    }

    @Test
    void keyIncludesProtocol() {
        IpV4Packet udp = udpV4(100, 46, false, 3);
        IpV4Packet tcp = v4Builder(46, IpNumber.TCP).payloadBuilder(new UnknownPacket.Builder()
                .rawData(new byte[108])).build();
        try (Feed feed = new Feed()) {
            feed.offer(v4Fragment(udp, 0, 64, true));
            feed.offer(v4Fragment(tcp, 0, 64, true)); // same src/dst/id, other protocol: no overlap
            assertThat(feed.reassembler.pendingDatagrams()).isEqualTo(2);
            assertThat(feed.dropped(FragmentDropReason.OVERLAP)).isZero();
        }
    }
}
