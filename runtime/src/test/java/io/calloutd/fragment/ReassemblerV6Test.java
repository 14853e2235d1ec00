package io.calloutd.fragment;

import static io.calloutd.testing.fragments.FragmentPackets.udpV6;
import static io.calloutd.testing.fragments.FragmentPackets.v6Fragment;
import static io.calloutd.testing.fragments.FragmentPackets.v6FragmentWith;
import static io.calloutd.testing.fragments.FragmentPackets.v6Split;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pcap4j.packet.IpV6ExtDestinationOptionsPacket;
import org.pcap4j.packet.IpV6ExtFragmentPacket;
import org.pcap4j.packet.IpV6ExtHopByHopOptionsPacket;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.namednumber.IpNumber;

/** IPv6 reassembly, with and without hop-by-hop + destination options before the fragment header. */
class ReassemblerV6Test {

    @ParameterizedTest(name = "ext={0} udp={1} chunk={2} seed={3}")
    @CsvSource({
        "false, 3000, 1232, 0",
        "true, 3000, 1232, 0",
        "true, 9000, 1232, 1",
        "false, 9000, 512, 2",
        "true, 400, 8, 3",
        "false, 65527, 1448, 4",
        "true, 65503, 1448, 5"})
    void reassemblesExactlyTheOriginal(boolean ext, int udpData, int chunk, long seed) throws Exception {
        IpV6Packet original = udpV6(udpData, ext, seed);
        List<byte[]> frags = new ArrayList<>(v6Split(original, ext, 0xabcdef01, chunk));
        if (seed != 0) {
            Collections.shuffle(frags, new Random(seed));
        }
        try (Feed feed = new Feed()) {
            List<ReassemblyResult> results = feed.offerAll(frags);
            ReassemblyResult last = results.get(results.size() - 1);
            assertThat(last.kind()).isEqualTo(ReassemblyResult.Kind.COMPLETE);
            assertThat(last.identification()).isEqualTo(0xabcdef01);
            byte[] got = feed.completed.get(0);
            assertThat(got).isEqualTo(original.getRawData());
            IpV6Packet parsed = IpV6Packet.newPacket(got, 0, got.length);
            assertThat(parsed.contains(IpV6ExtFragmentPacket.class)).isFalse();
            assertThat(parsed.contains(IpV6ExtHopByHopOptionsPacket.class)).isEqualTo(ext);
            assertThat(parsed.contains(IpV6ExtDestinationOptionsPacket.class)).isEqualTo(ext);
            assertThat(parsed.get(UdpPacket.class).hasValidChecksum(parsed.getHeader().getSrcAddr(),
                    parsed.getHeader().getDstAddr(), false)).isTrue();
        }
    }

    @Test
    void atomicFragmentIsDeliveredWithoutTouchingThePendingReassembly() {
        IpV6Packet big = udpV6(3000, true, 1);
        List<byte[]> frags = v6Split(big, true, 7, 1232);
        IpV6Packet small = udpV6(100, true, 2);
        byte[] udpPart = io.calloutd.testing.fragments.FragmentPackets.udpPart(small, true);
        byte[] atomic = v6FragmentWith(true, IpNumber.UDP, 7, 0, udpPart, false);
        try (Feed feed = new Feed()) {
            feed.offer(frags.get(0));
            ReassemblyResult r = feed.offer(atomic);
            assertThat(r.kind()).isEqualTo(ReassemblyResult.Kind.COMPLETE);
            assertThat(feed.completed.get(0)).isEqualTo(small.getRawData());
            assertThat(feed.reassembler.stats().atomicFragments()).isEqualTo(1);
            assertThat(feed.reassembler.pendingDatagrams()).isEqualTo(1);
            feed.offerAll(frags.subList(1, frags.size()));
            assertThat(feed.completed.get(1)).isEqualTo(big.getRawData());
        }
    }

    @Test
    void firstFragmentWithoutWholeUpperHeaderIsRejected() {
        // 8 bytes of a TCP header after the fragment header: RFC 7112 requires the whole 20-byte header
        byte[] tcpFrag = v6FragmentWith(false, IpNumber.TCP, 9, 0, new byte[8], true);
        try (Feed feed = new Feed()) {
            assertThat(feed.offer(tcpFrag)).isSameAs(
                    ReassemblyResult.discarded(FragmentDropReason.INCOMPLETE_HEADER_CHAIN));
            assertThat(feed.dropped(FragmentDropReason.INCOMPLETE_HEADER_CHAIN)).isEqualTo(1);
            assertThat(feed.reassembler.pendingDatagrams()).isZero();
        }
    }

    @Test
    void overlapDiscardsTheWholeDatagram() {
        IpV6Packet p = udpV6(3000, false, 1);
        try (Feed feed = new Feed()) {
            feed.offer(v6Fragment(p, false, 3, 0, 1232, true));
            feed.offer(v6Fragment(p, false, 3, 2464, 544, false));
            assertThat(feed.offer(v6Fragment(p, false, 3, 1224, 1240, true)))
                    .isSameAs(ReassemblyResult.discarded(FragmentDropReason.OVERLAP));
            assertThat(feed.reassembler.pendingDatagrams()).isZero();
            assertThat(feed.reassembler.memoryBytes()).isZero();
        }
    }

    @Test
    void oversizeAndUnalignedAreRejected() {
        try (Feed feed = new Feed()) {
            assertThat(feed.offer(v6FragmentWith(false, IpNumber.UDP, 4, 65528, new byte[16], false)))
                    .isSameAs(ReassemblyResult.discarded(FragmentDropReason.OVERSIZE));
            assertThat(feed.offer(v6FragmentWith(false, IpNumber.UDP, 4, 8, new byte[12], true)))
                    .isSameAs(ReassemblyResult.discarded(FragmentDropReason.UNALIGNED));
        }
    }

    @Test
    void timeoutIs60Seconds() {
        IpV6Packet p = udpV6(3000, false, 1);
        try (Feed feed = new Feed()) {
            feed.offer(v6Fragment(p, false, 3, 0, 1232, true));
            assertThat(feed.reassembler.expire(feed.now + Duration.ofSeconds(59).toNanos())).isZero();
            assertThat(feed.reassembler.expire(feed.now + Duration.ofSeconds(60).toNanos())).isEqualTo(1);
            assertThat(feed.dropped(FragmentDropReason.TIMEOUT)).isEqualTo(1);
        }
    }
}
