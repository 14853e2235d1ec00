package io.calloutd.fragment;

import io.calloutd.testing.fragments.TrackingAllocator;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Jazzer target: a fuzzed IPv4 (well-formed options of fuzzed kinds) or IPv6 (fuzzed extension headers) UDP
 * datagram is fragmented at a fuzzed MTU / largest-fragment size, the fragments are fed to the reassembler in a
 * fuzzed order, and the reassembled datagram must be byte-identical to the original. Every fragment must fit the
 * size limit and carry a valid IPv4 header checksum (checked with an independent one's-complement sum), and
 * every buffer is released. Replays its seeds in plain JUnit runs; scripts/fuzz.sh fuzzes it.
 */
class FragmenterRoundTripFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void fragmentThenReassembleGivesTheSameBytes(FuzzedDataProvider in) {
        boolean v6 = in.consumeBoolean();
        FuzzedDatagrams.Datagram generated = v6 ? FuzzedDatagrams.v6(in) : FuzzedDatagrams.v4(in);
        byte[] datagram = generated.bytes();
        int mtu = v6 ? in.consumeInt(1280, 9000) : in.consumeInt(68, 1600);
        int maxFragment = v6 ? in.consumeInt(1280, mtu) : (in.consumeBoolean() ? 0 : in.consumeInt(68, mtu));
        TrackingAllocator alloc = TrackingAllocator.untracked();
        List<ByteBuf> fragments = new ArrayList<>();
        ByteBuf whole = alloc.directBuffer(datagram.length).writeBytes(datagram);
        FragmentationResult result;
        try {
            Fragmenter fragmenter = new Fragmenter(alloc);
            result = v6 ? fragmenter.fragmentV6(whole, mtu, maxFragment, in.consumeInt(), fragments)
                    : fragmenter.fragmentV4(whole, mtu, maxFragment, fragments);
        } finally {
            whole.release();
        }
        List<byte[]> pieces = new ArrayList<>();
        for (ByteBuf f : fragments) {
            pieces.add(ByteBufUtil.getBytes(f));
            f.release();
        }
        alloc.assertAllReleasedExcept(0);
        int limit = v6 ? maxFragment : (maxFragment > 0 ? Math.min(mtu, maxFragment) : mtu);
        if (datagram.length <= limit) {
            assertThat(result).isSameAs(FragmentationResult.FITS);
            assertThat(pieces).isEmpty();
            return;
        }
        if (result.outcome() == FragmentationResult.Outcome.MALFORMED) {
            // Only when the headers that every fragment repeats leave no room for 8 data bytes.
            assertThat(generated.repeatedHeaderBytes() + 8 + (v6 ? 8 : 0)).isGreaterThan(limit);
            return;
        }
        assertThat(result).isSameAs(FragmentationResult.FRAGMENTED);
        assertThat(pieces.size()).isGreaterThan(1);
        for (byte[] p : pieces) {
            assertThat(p.length).isLessThanOrEqualTo(limit);
            if (!v6) {
                assertThat(onesComplementSum(p, (p[0] & 0x0f) * 4)).as("fragment header checksum").isEqualTo(0xffff);
            }
        }
        shuffle(pieces, in);
        assertThat(reassemble(pieces)).isEqualTo(datagram);
    }

    private static byte[] reassemble(List<byte[]> pieces) {
        ReassemblyConfig config = ReassemblyConfig.builder().maxFragmentsPerDatagram(8192)
                .highThresholdBytes(64L << 20).lowThresholdBytes(32L << 20).build();
        TrackingAllocator alloc = TrackingAllocator.untracked();
        byte[] completed = null;
        try (Reassembler reassembler = new Reassembler(config, () -> 1_000_000_000L, alloc)) {
            for (int i = 0; i < pieces.size(); i++) {
                ByteBuf buf = alloc.directBuffer(pieces.get(i).length).writeBytes(pieces.get(i));
                ReassemblyResult r = reassembler.accept(buf);
                buf.release();
                boolean last = i == pieces.size() - 1;
                assertThat(r.kind()).as("fragment %d of %d", i, pieces.size())
                        .isEqualTo(last ? ReassemblyResult.Kind.COMPLETE : ReassemblyResult.Kind.HELD);
                if (last) {
                    completed = ByteBufUtil.getBytes(r.datagram());
                    r.datagram().release();
                }
            }
            assertThat(reassembler.pendingDatagrams()).isZero();
        }
        alloc.assertAllReleasedExcept(0);
        return completed;
    }


    /** A few fuzz-chosen swaps: enough to reach out-of-order and last-first arrivals. */
    private static void shuffle(List<byte[]> pieces, FuzzedDataProvider in) {
        int swaps = in.consumeInt(0, 4);
        for (int i = 0; i < swaps; i++) {
            Collections.swap(pieces, in.consumeInt(0, pieces.size() - 1), in.consumeInt(0, pieces.size() - 1));
        }
    }

    private static int onesComplementSum(byte[] p, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }
}
