package io.calloutd.classify;

import static io.calloutd.flow.FlowPackets.ACK;
import static io.calloutd.flow.FlowPackets.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.engine.Condition;
import io.calloutd.engine.EngineConfig;
import io.calloutd.engine.Field;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Value;
import io.calloutd.flow.FlowConfig;
import io.calloutd.flow.FlowPackets;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.pipeline.Direction;
import io.calloutd.engine.Verdict;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** Steady state through the layer classifier (established flows, a few filters) allocates nothing per packet. */
class ClassifierAllocationTest {
    @Test
    void establishedTrafficIsClassifiedWithoutAllocation() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true, true); // no leak tracker allocations
        FilterEngine engine = new FilterEngine(EngineConfig.defaults());
        engine.addFilter(FilterSpec.builder(Layer.INBOUND_TRANSPORT_V4).action(FilterAction.BLOCK)
                .condition(Condition.eq(Field.IP_LOCAL_PORT, Value.uint16(23))).build());
        engine.addFilter(FilterSpec.builder(Layer.OUTBOUND_TRANSPORT_V4).action(FilterAction.PERMIT)
                .condition(Condition.eq(Field.IP_PROTOCOL, Value.uint8(17))).build());
        engine.addFilter(FilterSpec.builder(Layer.STREAM_V4).action(FilterAction.PERMIT).build());
        LayerClassifier c = new LayerClassifier(engine, FlowConfig.DEFAULTS, new ClassifierCounters(), 3, null);
        String host = "198.18.1.2", peer = "198.18.2.2";
        byte[][] setup = {
            FlowPackets.tcp(host, 40000, peer, 80, SYN, 1, 0, 0),
            FlowPackets.tcp(peer, 80, host, 40000, SYN | ACK, 100, 2, 0),
            FlowPackets.tcp(host, 40000, peer, 80, ACK, 2, 101, 0),
            FlowPackets.udp(host, 4000, peer, 53, 40),
        };
        Direction[] setupDir = {Direction.OUTBOUND, Direction.INBOUND, Direction.OUTBOUND, Direction.OUTBOUND};
        byte[][] steady = {
            FlowPackets.tcp(peer, 80, host, 40000, ACK, 101, 2, 500),
            FlowPackets.tcp(host, 40000, peer, 80, ACK, 2, 601, 0),
            FlowPackets.udp(host, 4000, peer, 53, 40),
            FlowPackets.udp(peer, 53, host, 4000, 80),
        };
        Direction[] steadyDir = {Direction.INBOUND, Direction.OUTBOUND, Direction.OUTBOUND, Direction.INBOUND};
        PacketParser parser = new PacketParser();
        ParsedPacket p = new ParsedPacket();
        ByteBuf[] bufs = new ByteBuf[steady.length];
        try {
            for (int i = 0; i < setup.length; i++) {
                ByteBuf b = alloc.directBuffer().writeBytes(setup[i]);
                assertThat(parser.parse(b, p)).isNull();
                assertThat(c.decide(p, setupDir[i])).isEqualTo(Verdict.PERMIT);
                b.release();
            }
            for (int i = 0; i < steady.length; i++) {
                bufs[i] = alloc.directBuffer().writeBytes(steady[i]);
            }
            long permits = 0;
            for (int i = 0; i < 200_000; i++) {
                permits += run(c, parser, p, bufs[i % bufs.length], steadyDir[i % bufs.length]);
            }
            long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < 100_000; i++) {
                permits += run(c, parser, p, bufs[i % bufs.length], steadyDir[i % bufs.length]);
            }
            long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            assertThat(permits).isEqualTo(300_000);
            assertThat(c.counters().authorizations()).isEqualTo(2);
            assertThat(allocated).as("bytes allocated over 100 000 classified packets").isLessThan(10_000);
        } finally {
            for (ByteBuf b : bufs) {
                if (b != null) b.release();
            }
            c.close();
        }
    }

    private static int run(LayerClassifier c, PacketParser parser, ParsedPacket p, ByteBuf b, Direction d) {
        b.readerIndex(0);
        parser.parse(b, p);
        return c.decide(p, d) == Verdict.PERMIT ? 1 : 0;
    }
}
