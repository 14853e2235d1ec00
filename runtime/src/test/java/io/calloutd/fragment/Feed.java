package io.calloutd.fragment;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.testing.fragments.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;

/** Test harness: a reassembler on a fake clock and a tracking allocator; offers byte arrays as buffers. */
final class Feed implements AutoCloseable {
    final TrackingAllocator alloc = new TrackingAllocator();
    long now = 1_000_000_000L;
    final Reassembler reassembler;
    final List<byte[]> completed = new ArrayList<>();

    Feed() {
        this(ReassemblyConfig.DEFAULTS);
    }

    Feed(ReassemblyConfig config) {
        reassembler = new Reassembler(config, () -> now, alloc);
    }

    /** Offers one packet; the caller's reference is released afterwards, completed datagrams are collected. */
    ReassemblyResult offer(byte[] packet) {
        ByteBuf buf = alloc.copyOf(packet);
        try {
            ReassemblyResult r = reassembler.accept(buf);
            if (r.kind() == ReassemblyResult.Kind.COMPLETE) {
                completed.add(ByteBufUtil.getBytes(r.datagram()));
                r.datagram().release();
            }
            return r;
        } finally {
            buf.release();
        }
    }

    List<ReassemblyResult> offerAll(List<byte[]> packets) {
        List<ReassemblyResult> out = new ArrayList<>();
        for (byte[] p : packets) {
            out.add(offer(p));
            assertThat(reassembler.memoryBytes()).isGreaterThanOrEqualTo(0);
        }
        return out;
    }

    long dropped(FragmentDropReason reason) {
        return reassembler.stats().dropped(reason);
    }

    @Override
    public void close() {
        reassembler.close();
        assertThat(reassembler.memoryBytes()).isZero();
        assertThat(reassembler.pendingDatagrams()).isZero();
        alloc.assertAllReleased();
    }
}
