package io.calloutd.stream;

import static io.calloutd.stream.Segs.ACK;
import static io.calloutd.stream.Segs.HOST_ISN;
import static io.calloutd.stream.Segs.PEER_ISN;
import static io.calloutd.stream.Segs.PSH;
import static io.calloutd.stream.Segs.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.classify.ClassifierCounters;
import io.calloutd.classify.LayerClassifier;
import io.calloutd.engine.EngineConfig;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Verdict;
import io.calloutd.flow.FlowConfig;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.pipeline.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Steady state of an engaged connection with a length-changing inline edit: data segments absorbed, edited segments
 * rebuilt (pooled buffers), ACKs translated in place — no per-packet heap allocation beyond noise.
 */
class StreamAllocationTest {
    @Test
    void engagedConnectionWithEditsAllocatesNothingPerPacket() throws Throwable {
        // On a FastThreadLocalThread, like the packet threads (Netty's event loops): buffer objects are recycled.
        Throwable[] failure = {null};
        Thread t = new io.netty.util.concurrent.FastThreadLocalThread(() -> {
            try {
                measure();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join();
        if (failure[0] != null) throw failure[0];
    }

    private void measure() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED); // leak records would be the allocations
        UnpooledByteBufAllocator input = new UnpooledByteBufAllocator(true, true);
        FilterEngine engine = new FilterEngine(EngineConfig.defaults());
        UUID key = UUID.randomUUID();
        engine.registerCallout(key, new InlineReplacer("rainy", "sunny and warm"));
        engine.addFilter(FilterSpec.builder(Layer.STREAM_V4).callout(FilterAction.CALLOUT_TERMINATING, key).build());
        LayerClassifier c = new LayerClassifier(engine, FlowConfig.DEFAULTS, new ClassifierCounters(), 3, null);
        c.stream().allocator(new PooledByteBufAllocator(true));
        long[] emitted = {0};
        c.attachOutput((packet, d) -> {
            emitted[0]++;
            packet.release();
            return true;
        });
        PacketParser parser = new PacketParser();
        ParsedPacket p = new ParsedPacket();
        String payload = "x".repeat(495) + "rainy";                   // 500 in, 509 out
        ByteBuf data = input.directBuffer().writeBytes(Segs.fromPeer(ACK | PSH, PEER_ISN + 1, HOST_ISN + 1, payload));
        ByteBuf ack = input.directBuffer().writeBytes(Segs.fromHost(ACK, HOST_ISN + 1, PEER_ISN + 1, null));
        try {
            decide(c, parser, p, input.directBuffer().writeBytes(Segs.fromHost(SYN, HOST_ISN, 0, null)), Direction.OUTBOUND, true);
            decide(c, parser, p, input.directBuffer().writeBytes(Segs.fromPeer(SYN | ACK, PEER_ISN, HOST_ISN + 1, null)), Direction.INBOUND, true);
            decide(c, parser, p, input.directBuffer().writeBytes(Segs.fromHost(ACK, HOST_ISN + 1, PEER_ISN + 1, null)), Direction.OUTBOUND, true);
            int absorbed = 0;
            long before = 0;
            for (int i = 0; i < 150_000; i++) {
                if (i == 100_000) before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                data.setInt(20 + 4, PEER_ISN + 1 + i * 500);          // next in-order segment (checksum not checked here)
                absorbed += decide(c, parser, p, data, Direction.INBOUND, false) == Verdict.BLOCK ? 1 : 0;
                ack.setInt(20 + 8, PEER_ISN + 1 + (i + 1) * 509);       // the host acknowledges all edited output
                ack.setInt(20 + 4, HOST_ISN + 1);
                decide(c, parser, p, ack, Direction.OUTBOUND, false);
            }
            long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            assertThat(absorbed).isEqualTo(150_000);
            assertThat(emitted[0]).isEqualTo(150_000);
            assertThat(c.stream().counters().bytesOut()).isEqualTo(150_000L * 509);
            assertThat(allocated).as("bytes allocated over 50 000 edited segments and 50 000 ACKs").isLessThan(100_000); // < 1 byte per packet: pool bookkeeping, not per-packet objects
        } finally {
            data.release();
            ack.release();
            c.close();
            ResourceLeakDetector.setLevel(level);
        }
    }

    private static Verdict decide(LayerClassifier c, PacketParser parser, ParsedPacket p, ByteBuf b, Direction d,
                                  boolean release) {
        b.readerIndex(0);
        parser.parse(b, p);
        Verdict v = c.decide(p, d);
        if (release) b.release();
        return v;
    }
}
