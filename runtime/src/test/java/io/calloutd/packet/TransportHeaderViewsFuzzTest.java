package io.calloutd.packet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.ByteBuffer;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.TcpPacket;

/**
 * Jazzer target for the TCP (options region included), UDP and ICMPv4/ICMPv6 header views. Getters are compared
 * with {@link java.nio.ByteBuffer} decoding; a TCP header pcap4j accepts must agree with ours on every field and
 * on the header length, so the options region is what pcap4j parses as options; setters read back without
 * disturbing their neighbours. Replays its seeds in plain JUnit runs; scripts/fuzz.sh fuzzes it.
 */
class TransportHeaderViewsFuzzTest {
    /** Leak detection off: the fuzzer calls this millions of times and frees every buffer itself. */
    private static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true, true);
    private final TcpHeader tcp = new TcpHeader();
    private final UdpHeader udp = new UdpHeader();
    private final IcmpHeader icmp4 = new IcmpHeader();
    private final Icmpv6Header icmp6 = new Icmpv6Header();

    @FuzzTest(maxDuration = "30s")
    void transportHeaderViews(FuzzedDataProvider in) {
        boolean direct = in.consumeBoolean();
        int headroom = in.consumeInt(0, 7);
        int value = in.consumeInt();
        byte[] d = in.consumeRemainingAsBytes();
        ByteBuf buf = direct ? ALLOC.directBuffer(headroom + d.length) : ALLOC.heapBuffer(headroom + d.length);
        try {
            buf.writeZero(headroom).writeBytes(d);
            if (d.length >= TcpHeader.MIN_LENGTH) {
                checkTcp(buf, headroom, d, value);
                buf.setBytes(headroom, d);
            }
            if (d.length >= UdpHeader.LENGTH) {
                checkUdp(buf, headroom, d, value);
                buf.setBytes(headroom, d);
                checkIcmp(icmp4.wrap(buf, headroom), d, value);
                buf.setBytes(headroom, d);
                checkIcmp(icmp6.wrap(buf, headroom), d, value);
            }
        } finally {
            buf.release();
        }
    }

    private void checkTcp(ByteBuf buf, int off, byte[] d, int value) {
        ByteBuffer o = ByteBuffer.wrap(d);
        TcpHeader h = tcp.wrap(buf, off);
        assertThat(h.sourcePort()).isEqualTo(o.getShort(0) & 0xffff);
        assertThat(h.destinationPort()).isEqualTo(o.getShort(2) & 0xffff);
        assertThat(h.sequenceNumber()).isEqualTo(o.getInt(4));
        assertThat(h.acknowledgmentNumber()).isEqualTo(o.getInt(8));
        assertThat(h.dataOffset()).isEqualTo((d[12] & 0xff) >>> 4);
        assertThat(h.headerLength()).isEqualTo(((d[12] & 0xff) >>> 4) * 4);
        assertThat(h.nsFlag()).isEqualTo((d[12] & 1) != 0);
        assertThat(h.flags()).isEqualTo(d[13] & 0xff);
        assertThat(h.hasFlags(TcpHeader.SYN | TcpHeader.ACK)).isEqualTo((d[13] & 0x12) == 0x12);
        assertThat(h.window()).isEqualTo(o.getShort(14) & 0xffff);
        assertThat(h.checksum()).isEqualTo(o.getShort(16) & 0xffff);
        assertThat(h.urgentPointer()).isEqualTo(o.getShort(18) & 0xffff);
        assertThat(h.optionsOffset()).isEqualTo(off + 20);
        assertThat(h.optionsLength()).isEqualTo(h.headerLength() - 20);
        if (h.headerLength() >= 20 && h.headerLength() <= d.length) {
            crossCheckWithPcap4j(h, d);
        }
        h.setSourcePort(value >>> 16);
        h.setDestinationPort(value & 0xffff);
        h.setSequenceNumber(~value);
        h.setAcknowledgmentNumber(value * 31);
        h.setFlags(value & 0xff);
        h.setWindow(value >>> 8);
        h.setChecksum(value >>> 4);
        h.setUrgentPointer(value >>> 3);
        assertThat(h.sourcePort()).isEqualTo(value >>> 16);
        assertThat(h.destinationPort()).isEqualTo(value & 0xffff);
        assertThat(h.sequenceNumber()).isEqualTo(~value);
        assertThat(h.acknowledgmentNumber()).isEqualTo(value * 31);
        assertThat(h.flags()).isEqualTo(value & 0xff);
        assertThat(h.window()).isEqualTo((value >>> 8) & 0xffff);
        assertThat(h.checksum()).isEqualTo((value >>> 4) & 0xffff);
        assertThat(h.urgentPointer()).isEqualTo((value >>> 3) & 0xffff);
        assertThat(h.dataOffset()).as("data offset untouched").isEqualTo((d[12] & 0xff) >>> 4);
    }

    /** pcap4j parses the header (options included) on its own; where it accepts the bytes, we must agree. */
    private static void crossCheckWithPcap4j(TcpHeader h, byte[] d) {
        TcpPacket.TcpHeader theirs;
        try {
            theirs = TcpPacket.newPacket(d, 0, d.length).getHeader();
        } catch (IllegalRawDataException | RuntimeException rejected) {
            return; // pcap4j is stricter about option syntax than a header view needs to be
        }
        assertThat(theirs.length()).as("header length incl. options").isEqualTo(h.headerLength());
        assertThat(theirs.getSrcPort().valueAsInt()).isEqualTo(h.sourcePort());
        assertThat(theirs.getDstPort().valueAsInt()).isEqualTo(h.destinationPort());
        assertThat(theirs.getSequenceNumber()).isEqualTo(h.sequenceNumber());
        assertThat(theirs.getAcknowledgmentNumber()).isEqualTo(h.acknowledgmentNumber());
        assertThat(theirs.getWindowAsInt()).isEqualTo(h.window());
        assertThat(theirs.getChecksum() & 0xffff).isEqualTo(h.checksum());
        assertThat(theirs.getUrgentPointerAsInt()).isEqualTo(h.urgentPointer());
        assertThat(theirs.getSyn()).isEqualTo(h.hasFlags(TcpHeader.SYN));
        assertThat(theirs.getFin()).isEqualTo(h.hasFlags(TcpHeader.FIN));
        assertThat(theirs.getRst()).isEqualTo(h.hasFlags(TcpHeader.RST));
        assertThat(theirs.getPsh()).isEqualTo(h.hasFlags(TcpHeader.PSH));
        assertThat(theirs.getAck()).isEqualTo(h.hasFlags(TcpHeader.ACK));
        assertThat(theirs.getUrg()).isEqualTo(h.hasFlags(TcpHeader.URG));
        int optionBytes = theirs.getOptions().stream().mapToInt(org.pcap4j.packet.TcpPacket.TcpOption::length).sum()
                + theirs.getPadding().length;
        assertThat(optionBytes).as("options + padding fill the options region").isEqualTo(h.optionsLength());
    }

    private void checkUdp(ByteBuf buf, int off, byte[] d, int value) {
        ByteBuffer o = ByteBuffer.wrap(d);
        UdpHeader h = udp.wrap(buf, off);
        assertThat(h.offset()).isEqualTo(off);
        assertThat(h.sourcePort()).isEqualTo(o.getShort(0) & 0xffff);
        assertThat(h.destinationPort()).isEqualTo(o.getShort(2) & 0xffff);
        assertThat(h.length()).isEqualTo(o.getShort(4) & 0xffff);
        assertThat(h.checksum()).isEqualTo(o.getShort(6) & 0xffff);
        h.setSourcePort(value);
        h.setDestinationPort(value >>> 16);
        h.setLength(value >>> 8);
        h.setChecksum(~value);
        assertThat(h.sourcePort()).isEqualTo(value & 0xffff);
        assertThat(h.destinationPort()).isEqualTo(value >>> 16);
        assertThat(h.length()).isEqualTo((value >>> 8) & 0xffff);
        assertThat(h.checksum()).isEqualTo(~value & 0xffff);
    }

    private static void checkIcmp(IcmpLayout h, byte[] d, int value) {
        ByteBuffer o = ByteBuffer.wrap(d);
        assertThat(h.type()).isEqualTo(d[0] & 0xff);
        assertThat(h.code()).isEqualTo(d[1] & 0xff);
        assertThat(h.checksum()).isEqualTo(o.getShort(2) & 0xffff);
        assertThat(h.restOfHeader()).isEqualTo(o.getInt(4));
        assertThat(h.identifier()).isEqualTo(o.getShort(4) & 0xffff);
        assertThat(h.sequenceNumber()).isEqualTo(o.getShort(6) & 0xffff);
        h.setIdentifier(value >>> 16);
        assertThat(h.identifier()).isEqualTo(value >>> 16);
        assertThat(h.sequenceNumber()).as("sequence untouched").isEqualTo(o.getShort(6) & 0xffff);
        h.setType(value);
        h.setCode(value >>> 8);
        h.setChecksum(value >>> 3);
        h.setRestOfHeader(~value);
        assertThat(h.type()).isEqualTo(value & 0xff);
        assertThat(h.code()).isEqualTo((value >>> 8) & 0xff);
        assertThat(h.checksum()).isEqualTo((value >>> 3) & 0xffff);
        assertThat(h.restOfHeader()).isEqualTo(~value);
    }
}
