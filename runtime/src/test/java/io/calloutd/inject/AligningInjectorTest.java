package io.calloutd.inject;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.nativebridge.TunQueue;
import io.calloutd.testing.fragments.TrackingAllocator;
import io.calloutd.testing.packets.TestPackets;
import io.calloutd.testing.packets.TestPackets.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The delegate sees aligned contiguous packets on both paths; the caller keeps ownership of its buffer. */
class AligningInjectorTest {
    private final TrackingAllocator alloc = new TrackingAllocator();
    private final byte[] packet = TestPackets.ipv4(new Random(3), Transport.UDP, false, 700);

    /** Records address alignment and bytes of what it is asked to inject. */
    private static final class Recording implements PacketInjector {
        final List<Long> addresses = new ArrayList<>();
        final List<byte[]> bytes = new ArrayList<>();
        final List<Integer> versions = new ArrayList<>();

        @Override
        public InjectionResult injectReceive(TunQueue queue, ByteBuf p) {
            record(p, 0);
            return InjectionResult.INJECTED;
        }

        @Override
        public InjectionResult injectSend(ByteBuf p, int ipVersion) {
            record(p, ipVersion);
            return InjectionResult.INJECTED;
        }

        private void record(ByteBuf p, int version) {
            assertThat(p.hasMemoryAddress()).isTrue();
            addresses.add(p.memoryAddress() + p.readerIndex());
            bytes.add(ByteBufUtil.getBytes(p));
            versions.add(version);
        }
    }

    @Test
    void bothPathsInjectAlignedCopiesOfSplitPackets() {
        Recording kernel = new Recording();
        AligningInjector injector = new AligningInjector(kernel);
        CompositeByteBuf split = alloc.compositeBuffer()
                .addComponent(true, alloc.heapBuffer().writeBytes(packet, 0, 13))
                .addComponent(true, alloc.directBuffer().writeBytes(packet, 13, packet.length - 13));
        try {
            assertThat(injector.injectSend(split, 4)).isEqualTo(InjectionResult.INJECTED);
            assertThat(injector.injectReceive(null, split)).isEqualTo(InjectionResult.INJECTED);
            assertThat(split.refCnt()).as("caller still owns its buffer").isEqualTo(1);
            assertThat(split.readerIndex()).isZero();
        } finally {
            split.release();
        }
        assertThat(kernel.addresses).hasSize(2).allMatch(a -> a % 8 == 0);
        assertThat(kernel.bytes).allSatisfy(b -> assertThat(b).isEqualTo(packet));
        assertThat(kernel.versions).containsExactly(4, 0);
        assertThat(injector.rebuilder().copies()).isEqualTo(2);
        alloc.assertAllReleased();
    }

    @Test
    void alignedPacketIsInjectedAsIs() {
        Recording kernel = new Recording();
        AligningInjector injector = new AligningInjector(kernel);
        ByteBuf b = alloc.directBuffer(packet.length + 8);
        int lead = (int) ((8 - (b.memoryAddress() & 7)) & 7);
        b.writeZero(lead).writeBytes(packet).readerIndex(lead);
        try {
            injector.injectSend(b, 4);
            assertThat(kernel.addresses).containsExactly(b.memoryAddress() + lead);
            assertThat(injector.rebuilder().passThroughs()).isEqualTo(1);
            assertThat(injector.rebuilder().copies()).isZero();
        } finally {
            b.release();
        }
        alloc.assertAllReleased();
    }
}
