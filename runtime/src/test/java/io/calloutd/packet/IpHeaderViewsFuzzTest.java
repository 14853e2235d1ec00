package io.calloutd.packet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.ByteBuffer;

/**
 * Jazzer target for the IPv4/IPv6 header views and the IPv6 extension-chain walk. Every getter is compared with
 * an independent decoding of the same bytes through {@link java.nio.ByteBuffer}; setters must read back and must
 * not disturb neighbouring fields; incremental checksum updates must leave a header that an independent
 * one's-complement sum accepts; the chain walk is compared field by field with an independent walker
 * ({@link ExtensionChainOracle}). Replays its seeds in plain JUnit runs; scripts/fuzz.sh fuzzes it.
 */
class IpHeaderViewsFuzzTest {
    /** Leak detection off: the fuzzer calls this millions of times and frees every buffer itself. */
    private static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true, true);
    private final Ipv4Header v4 = new Ipv4Header();
    private final Ipv6Header v6 = new Ipv6Header();
    private final Ipv6ExtensionChain chain = new Ipv6ExtensionChain();

    @FuzzTest(maxDuration = "30s")
    void ipHeaderViews(FuzzedDataProvider in) {
        boolean direct = in.consumeBoolean();
        int headroom = in.consumeInt(0, 7);
        int value = in.consumeInt();
        byte[] d = in.consumeRemainingAsBytes();
        ByteBuf buf = direct ? ALLOC.directBuffer(headroom + d.length) : ALLOC.heapBuffer(headroom + d.length);
        try {
            buf.writeZero(headroom).writeBytes(d);
            if (d.length >= Ipv4Header.MIN_LENGTH) {
                checkIpv4(buf, headroom, d, value);
            }
            buf.setBytes(headroom, d);
            if (d.length >= Ipv6Header.LENGTH) {
                checkIpv6(buf, headroom, d, value);
                buf.setBytes(headroom, d);
                checkChain(buf, headroom, d);
            }
        } finally {
            buf.release();
        }
    }

    private void checkIpv4(ByteBuf buf, int off, byte[] d, int value) {
        ByteBuffer o = ByteBuffer.wrap(d);
        Ipv4Header h = v4.wrap(buf, off);
        assertThat(h.offset()).isEqualTo(off);
        assertThat(h.version()).isEqualTo((d[0] & 0xff) >>> 4);
        assertThat(h.headerLength()).isEqualTo((d[0] & 0x0f) * 4).isEqualTo(h.ihl() * 4);
        assertThat(h.dscp()).isEqualTo((d[1] & 0xff) >>> 2);
        assertThat(h.ecn()).isEqualTo(d[1] & 3);
        assertThat(h.totalLength()).isEqualTo(o.getShort(2) & 0xffff);
        assertThat(h.identification()).isEqualTo(o.getShort(4) & 0xffff);
        assertThat(h.reservedFlag()).isEqualTo((d[6] & 0x80) != 0);
        assertThat(h.dontFragment()).isEqualTo((d[6] & 0x40) != 0);
        assertThat(h.moreFragments()).isEqualTo((d[6] & 0x20) != 0);
        assertThat(h.fragmentOffset()).isEqualTo((o.getShort(6) & 0x1fff) * 8);
        assertThat(h.ttl()).isEqualTo(d[8] & 0xff);
        assertThat(h.protocol()).isEqualTo(d[9] & 0xff);
        assertThat(h.headerChecksum()).isEqualTo(o.getShort(10) & 0xffff);
        assertThat(h.sourceAddress()).isEqualTo(o.getInt(12));
        assertThat(h.destinationAddress()).isEqualTo(o.getInt(16));
        assertThat(h.optionsOffset()).isEqualTo(off + 20);
        assertThat(h.optionsLength()).isEqualTo(h.headerLength() - 20);

        int hl = h.headerLength();
        if (hl >= 20 && hl <= d.length) {
            assertThat(h.verifyHeaderChecksum()).as("verify").isEqualTo(onesComplementSum(buf, off, hl) == 0xffff);
            h.writeHeaderChecksum();
            assertThat(onesComplementSum(buf, off, hl)).as("after write").isEqualTo(0xffff);
            h.setTtlUpdatingChecksum(value & 0xff);
            h.setIdentificationUpdatingChecksum(value >>> 16);
            h.setTotalLengthUpdatingChecksum(value & 0xffff);
            h.setSourceAddressUpdatingChecksum(value);
            h.setDestinationAddressUpdatingChecksum(~value);
            assertThat(onesComplementSum(buf, off, hl)).as("after incremental updates").isEqualTo(0xffff);
            assertThat(h.verifyHeaderChecksum()).isTrue();
            assertThat(h.ttl()).isEqualTo(value & 0xff);
            assertThat(h.identification()).isEqualTo(value >>> 16);
            assertThat(h.totalLength()).isEqualTo(value & 0xffff);
            assertThat(h.sourceAddress()).isEqualTo(value);
            assertThat(h.destinationAddress()).isEqualTo(~value);
        }
        int protocol = h.protocol();
        h.setDscpEcn((value >>> 2) & 0x3f, value & 3);
        h.setFlagsAndFragmentOffset((value & 0x100) != 0, (value & 0x200) != 0, (value >>> 10) & 0xfff8);
        assertThat(h.dscp()).isEqualTo((value >>> 2) & 0x3f);
        assertThat(h.ecn()).isEqualTo(value & 3);
        assertThat(h.dontFragment()).isEqualTo((value & 0x100) != 0);
        assertThat(h.moreFragments()).isEqualTo((value & 0x200) != 0);
        assertThat(h.reservedFlag()).isFalse();
        assertThat(h.fragmentOffset()).isEqualTo((value >>> 10) & 0xfff8);
        assertThat(h.protocol()).isEqualTo(protocol);
        assertThat(h.version()).isEqualTo((d[0] & 0xff) >>> 4);
    }

    private void checkIpv6(ByteBuf buf, int off, byte[] d, int value) {
        ByteBuffer o = ByteBuffer.wrap(d);
        Ipv6Header h = v6.wrap(buf, off);
        int first = o.getInt(0);
        assertThat(h.version()).isEqualTo(first >>> 28);
        assertThat(h.trafficClass()).isEqualTo((first >>> 20) & 0xff);
        assertThat(h.flowLabel()).isEqualTo(first & 0xfffff);
        assertThat(h.payloadLength()).isEqualTo(o.getShort(4) & 0xffff);
        assertThat(h.nextHeader()).isEqualTo(d[6] & 0xff);
        assertThat(h.hopLimit()).isEqualTo(d[7] & 0xff);
        assertThat(h.sourceAddressHigh()).isEqualTo(o.getLong(8));
        assertThat(h.sourceAddressLow()).isEqualTo(o.getLong(16));
        assertThat(h.destinationAddressHigh()).isEqualTo(o.getLong(24));
        assertThat(h.destinationAddressLow()).isEqualTo(o.getLong(32));
        assertThat(h.sourceAddressEquals(o.getLong(8), o.getLong(16))).isTrue();
        assertThat(h.destinationAddressEquals(o.getLong(24), o.getLong(32) ^ 1)).isFalse();
        byte[] addr = new byte[16];
        h.copyDestinationAddress(addr, 0);
        assertThat(addr).isEqualTo(java.util.Arrays.copyOfRange(d, 24, 40));

        h.setTrafficClass(value & 0xff);
        h.setFlowLabel(value >>> 12);
        assertThat(h.trafficClass()).isEqualTo(value & 0xff);
        assertThat(h.flowLabel()).isEqualTo(value >>> 12);
        assertThat(h.version()).as("version untouched").isEqualTo(first >>> 28);
        h.setPayloadLength(value & 0xffff);
        h.setHopLimit(value >>> 24);
        assertThat(h.payloadLength()).isEqualTo(value & 0xffff);
        assertThat(h.hopLimit()).isEqualTo(value >>> 24);
        assertThat(h.nextHeader()).isEqualTo(d[6] & 0xff);
    }

    private void checkChain(ByteBuf buf, int off, byte[] d) {
        int end = off + Math.min(d.length, 40 + (((d[4] & 0xff) << 8) | (d[5] & 0xff)));
        DropReason reason = chain.walk(buf, off, end);
        ExtensionChainOracle expected = ExtensionChainOracle.walk(d, end - off);
        assertThat(reason).isEqualTo(expected.reason);
        if (reason != null) {
            return;
        }
        assertThat(chain.headerCount()).isEqualTo(expected.types.size());
        for (int i = 0; i < chain.headerCount(); i++) {
            assertThat(chain.headerType(i)).isEqualTo(expected.types.get(i));
            assertThat(chain.headerOffset(i)).isEqualTo(off + expected.offsets.get(i));
            assertThat(chain.contains(expected.types.get(i))).isTrue();
        }
        assertThat(chain.upperLayerProtocol()).isEqualTo(expected.upperProtocol);
        assertThat(chain.upperLayerOffset()).isEqualTo(off + expected.upperOffset).isLessThanOrEqualTo(end);
        assertThat(chain.lastNextHeaderFieldOffset()).isEqualTo(off + expected.nextHeaderField);
        assertThat(chain.fragmentHeaderOffset()).isEqualTo(expected.fragmentOffset < 0 ? -1 : off + expected.fragmentOffset);
        assertThat(chain.stoppedAtNonFirstFragment()).isEqualTo(expected.nonFirstFragment);
    }

    /** RFC 1071 sum over 16-bit words, folded; 0xffff means a valid checksum is included. */
    static int onesComplementSum(ByteBuf buf, int off, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += ((buf.getByte(off + i) & 0xff) << 8) | (buf.getByte(off + i + 1) & 0xff);
        }
        if ((len & 1) != 0) {
            sum += (buf.getByte(off + len - 1) & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }
}
