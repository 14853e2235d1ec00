package io.calloutd.fragment;

import static io.calloutd.testing.fragments.FragmentPackets.udpV4;
import static io.calloutd.testing.fragments.FragmentPackets.udpV6;
import static io.calloutd.testing.fragments.FragmentPackets.v4Builder;
import static io.calloutd.testing.fragments.FragmentPackets.v4Split;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.testing.fragments.FragmentPackets;
import io.calloutd.testing.fragments.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV4DestinationUnreachablePacket;
import org.pcap4j.packet.IcmpV6CommonPacket;
import org.pcap4j.packet.IcmpV6PacketTooBigPacket;
import org.pcap4j.packet.IpV4LooseSourceRouteOption;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4RecordRouteOption;
import org.pcap4j.packet.IpV6ExtFragmentPacket;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IcmpV4Code;
import org.pcap4j.packet.namednumber.IcmpV4Type;
import org.pcap4j.packet.namednumber.IcmpV6Type;
import org.pcap4j.packet.namednumber.IpNumber;

/** Refragmentation and ICMP errors, every produced packet parsed and checksum-verified by pcap4j. */
class FragmenterTest {
    private final TrackingAllocator alloc = new TrackingAllocator();
    private final Fragmenter fragmenter = new Fragmenter(alloc);
    private final IcmpErrorBuilder icmp = new IcmpErrorBuilder(alloc);
    private final List<ByteBuf> out = new ArrayList<>();

    @AfterEach
    void released() {
        out.forEach(ByteBuf::release);
        alloc.assertAllReleased();
    }

    private List<byte[]> bytesOf(List<ByteBuf> bufs) {
        List<byte[]> l = new ArrayList<>();
        bufs.forEach(b -> l.add(ByteBufUtil.getBytes(b)));
        return l;
    }

    @Test
    void v4RoundTripMatchesPcap4jFragmentation() throws Exception {
        IpV4Packet original = udpV4(4000, 321, false, 1);
        ByteBuf in = alloc.copyOf(original.getRawData());
        assertThat(fragmenter.fragmentV4(in, 1500, 0, out)).isSameAs(FragmentationResult.FRAGMENTED);
        in.release();
        List<byte[]> ours = bytesOf(out);
        List<IpV4Packet> theirs = org.pcap4j.util.IpV4Helper.fragment(original, 1500);
        assertThat(ours).hasSize(theirs.size());
        for (int i = 0; i < ours.size(); i++) {
            byte[] f = ours.get(i);
            IpV4Packet parsed = IpV4Packet.newPacket(f, 0, f.length);
            assertThat(parsed.getHeader().hasValidChecksum(false)).isTrue();
            assertThat(f.length).isLessThanOrEqualTo(1500);
            assertThat(f).isEqualTo(theirs.get(i).getRawData());
        }
        try (Feed feed = new Feed()) {
            feed.offerAll(ours);
            assertThat(feed.completed.get(0)).isEqualTo(original.getRawData());
        }
    }

    @Test
    void reassembledDatagramLeavesInTheSendersFragmentSizes() {
        IpV4Packet original = udpV4(3000, 322, false, 2);
        List<byte[]> senderFragments = v4Split(original, 552); // 572-byte fragments
        try (Feed feed = new Feed()) {
            List<ReassemblyResult> r = feed.offerAll(senderFragments);
            ReassemblyResult done = r.get(r.size() - 1);
            assertThat(done.maxFragmentSize()).isEqualTo(572);
            ByteBuf in = alloc.copyOf(feed.completed.get(0));
            assertThat(fragmenter.fragmentV4(in, 1500, done.maxFragmentSize(), out))
                    .isSameAs(FragmentationResult.FRAGMENTED);
            in.release();
            assertThat(bytesOf(out)).containsExactlyElementsOf(senderFragments);
        }
    }

    @Test
    void onlyOptionsWithTheCopyFlagAreRepeated() throws Exception {
        Inet4Address hop = (Inet4Address) InetAddress.getByName("198.18.0.9");
        IpV4LooseSourceRouteOption lsrr = (IpV4LooseSourceRouteOption) new IpV4LooseSourceRouteOption.Builder()
                .pointer((byte) 4).routeData(List.of(hop)).correctLengthAtBuild(true).build();
        IpV4RecordRouteOption rr = (IpV4RecordRouteOption) new IpV4RecordRouteOption.Builder()
                .pointer((byte) 4).routeData(List.of(hop)).correctLengthAtBuild(true).build();
        IpV4Packet original = v4Builder(323, IpNumber.UDP).options(List.of(lsrr, rr))
                .payloadBuilder(new UnknownPacket.Builder().rawData(FragmentPackets.randomBytes(2000, 3))).build();
        ByteBuf in = alloc.copyOf(original.getRawData());
        assertThat(fragmenter.fragmentV4(in, 1000, 0, out)).isSameAs(FragmentationResult.FRAGMENTED);
        in.release();
        List<byte[]> frags = bytesOf(out);
        for (int i = 0; i < frags.size(); i++) {
            byte[] f = frags.get(i);
            IpV4Packet parsed = IpV4Packet.newPacket(f, 0, f.length);
            assertThat(parsed.getHeader().hasValidChecksum(false)).isTrue();
            // pcap4j lists the zero padding as End-of-Option-List entries: ignore those
            List<IpV4Packet.IpV4Option> options = parsed.getHeader().getOptions().stream()
                    .filter(o -> o.getType().value() != 0).toList();
            assertThat(options).containsExactlyElementsOf(i == 0 ? List.of(lsrr, rr) : List.of(lsrr));
            assertThat(f.length).isLessThanOrEqualTo(1000);
        }
        try (Feed feed = new Feed()) {
            feed.offerAll(frags);
            assertThat(feed.completed.get(0)).isEqualTo(original.getRawData());
        }
    }

    @Test
    void dontFragmentGivesFragmentationNeededAndTheIcmpErrorParses() throws Exception {
        IpV4Packet original = udpV4(4000, 324, true, 4);
        ByteBuf in = alloc.copyOf(original.getRawData());
        FragmentationResult r = fragmenter.fragmentV4(in, 1400, 0, out);
        assertThat(r.outcome()).isEqualTo(FragmentationResult.Outcome.FRAGMENTATION_NEEDED);
        assertThat(r.mtu()).isEqualTo(1400);
        assertThat(out).isEmpty();
        Inet4Address router = (Inet4Address) InetAddress.getByName("198.18.0.254");
        ByteBuf err = icmp.fragmentationNeeded(in, router, r.mtu());
        in.release();
        byte[] bytes = ByteBufUtil.getBytes(err);
        err.release();
        IpV4Packet parsed = IpV4Packet.newPacket(bytes, 0, bytes.length);
        assertThat(parsed.getHeader().hasValidChecksum(false)).isTrue();
        assertThat(parsed.getHeader().getSrcAddr()).isEqualTo(router);
        assertThat(parsed.getHeader().getDstAddr()).isEqualTo(FragmentPackets.SRC4);
        IcmpV4CommonPacket common = parsed.get(IcmpV4CommonPacket.class);
        assertThat(common.hasValidChecksum(false)).isTrue();
        assertThat(common.getHeader().getType()).isEqualTo(IcmpV4Type.DESTINATION_UNREACHABLE);
        assertThat(common.getHeader().getCode()).isEqualTo(IcmpV4Code.FRAGMENTATION_BLOCKED);
        IcmpV4DestinationUnreachablePacket du = parsed.get(IcmpV4DestinationUnreachablePacket.class);
        assertThat(du.getHeader().getUnused() & 0xffff).isEqualTo(1400);
        byte[] quoted = du.getPayload().getRawData();
        assertThat(quoted).hasSize(28); // IP header + 8 bytes
        assertThat(quoted).isEqualTo(java.util.Arrays.copyOf(original.getRawData(), 28));
    }

    @Test
    void noIcmpErrorAboutAnIcmpError() throws Exception {
        byte[] err = {3, 4, 0, 0, 0, 0, 5, (byte) 0xdc};
        IpV4Packet p = v4Builder(9, IpNumber.ICMPV4).payloadBuilder(new UnknownPacket.Builder().rawData(err)).build();
        ByteBuf in = alloc.copyOf(p.getRawData());
        assertThat(icmp.fragmentationNeeded(in, (Inet4Address) InetAddress.getByName("198.18.0.254"), 1400)).isNull();
        in.release();
    }

    @Test
    void fitsMeansNothingProduced() {
        ByteBuf in = alloc.copyOf(udpV4(1000, 1, true, 1).getRawData());
        assertThat(fragmenter.fragmentV4(in, 1500, 0, out)).isSameAs(FragmentationResult.FITS);
        in.release();
        assertThat(out).isEmpty();
    }

    @Test
    void v6RoundTripWithExtensionHeaders() throws Exception {
        IpV6Packet original = udpV6(5000, true, 5);
        List<byte[]> sender = FragmentPackets.v6Split(original, true, 0x5555, 1400);
        try (Feed feed = new Feed()) {
            List<ReassemblyResult> r = feed.offerAll(sender);
            ReassemblyResult done = r.get(r.size() - 1);
            ByteBuf in = alloc.copyOf(feed.completed.get(0));
            assertThat(fragmenter.fragmentV6(in, 1500, done.maxFragmentSize(), done.identification(), out))
                    .isSameAs(FragmentationResult.FRAGMENTED);
            in.release();
            for (byte[] f : bytesOf(out)) {
                IpV6Packet parsed = IpV6Packet.newPacket(f, 0, f.length);
                assertThat(parsed.get(IpV6ExtFragmentPacket.class).getHeader().getIdentification()).isEqualTo(0x5555);
                assertThat(f.length).isLessThanOrEqualTo(done.maxFragmentSize());
            }
            feed.completed.clear();
            feed.offerAll(bytesOf(out));
            assertThat(feed.completed.get(0)).isEqualTo(original.getRawData());
        }
    }

    @Test
    void v6NotFragmentedTooBigGivesPacketTooBig() throws Exception {
        IpV6Packet original = udpV6(3000, false, 6);
        ByteBuf in = alloc.copyOf(original.getRawData());
        FragmentationResult r = fragmenter.fragmentV6(in, 1500, 0, 1, out);
        assertThat(r).isEqualTo(new FragmentationResult(FragmentationResult.Outcome.PACKET_TOO_BIG, 1500));
        Inet6Address router = (Inet6Address) InetAddress.getByName("fd00::fe");
        ByteBuf err = icmp.packetTooBig(in, router, r.mtu());
        in.release();
        byte[] bytes = ByteBufUtil.getBytes(err);
        err.release();
        assertThat(bytes).hasSize(1280);
        IpV6Packet parsed = IpV6Packet.newPacket(bytes, 0, bytes.length);
        assertThat(parsed.getHeader().getDstAddr()).isEqualTo(FragmentPackets.SRC6);
        IcmpV6CommonPacket common = parsed.get(IcmpV6CommonPacket.class);
        assertThat(common.getHeader().getType()).isEqualTo(IcmpV6Type.PACKET_TOO_BIG);
        assertThat(common.hasValidChecksum(router, FragmentPackets.SRC6, false)).isTrue();
        assertThat(parsed.get(IcmpV6PacketTooBigPacket.class).getHeader().getMtu()).isEqualTo(1500);
        assertThat(java.util.Arrays.copyOfRange(bytes, 48, 1280))
                .isEqualTo(java.util.Arrays.copyOf(original.getRawData(), 1232));
    }

    @Test
    void v6SendersFragmentsLargerThanMtuGivePacketTooBig() {
        ByteBuf in = alloc.copyOf(udpV6(3000, false, 7).getRawData());
        FragmentationResult r = fragmenter.fragmentV6(in, 1280, 1500, 1, out);
        in.release();
        assertThat(r.outcome()).isEqualTo(FragmentationResult.Outcome.PACKET_TOO_BIG);
        assertThat(r.mtu()).isEqualTo(1280);
    }
}
