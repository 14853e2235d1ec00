package io.calloutd.classify;

import static io.calloutd.flow.FlowPackets.ACK;
import static io.calloutd.flow.FlowPackets.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.engine.FilterAction;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Verdict;
import io.calloutd.flow.FlowPackets;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.pipeline.Direction;
import io.calloutd.redirect.ConnectRequest;
import io.calloutd.redirect.RedirectHandle;
import io.calloutd.testkit.CalloutTestPath;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** A redirected flow's packets are found (by key or alias) and rewritten both ways without allocation. */
class RedirectAllocationTest {
    @Test
    void translatedTrafficIsRewrittenWithoutAllocation() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true, true);
        String host = "198.18.1.2", dest = "198.18.2.2", proxy = "198.18.2.9";
        try (CalloutTestPath h = CalloutTestPath.create(); RedirectHandle handle = RedirectHandle.create()) {
            h.register((in, ctx, f, out) -> {
                ConnectRequest r = (ConnectRequest) ctx.layerData();
                if (r.acquireWritable(handle, f, out)) {
                    r.remoteAddressAndPort(new InetSocketAddress(FlowPackets.addr(proxy), 8080));
                    r.apply();
                    out.permit();
                }
            }, FilterAction.CALLOUT_TERMINATING, Layer.ALE_CONNECT_REDIRECT_V4);
            LayerClassifier c = h.classifier();
            PacketParser parser = new PacketParser();
            ParsedPacket p = new ParsedPacket();
            byte[][] packets = {
                FlowPackets.tcp(host, 40000, dest, 80, SYN, 1, 0, 0),
                FlowPackets.tcp(proxy, 8080, host, 40000, SYN | ACK, 100, 2, 0),
                FlowPackets.tcp(host, 40000, dest, 80, ACK, 2, 101, 100),
                FlowPackets.tcp(proxy, 8080, host, 40000, ACK, 101, 102, 500),
            };
            Direction[] dir = {Direction.OUTBOUND, Direction.INBOUND, Direction.OUTBOUND, Direction.INBOUND};
            ByteBuf b = alloc.directBuffer(2048);
            try {
                for (int i = 0; i < 2; i++) {
                    assertThat(run(c, parser, p, b, packets[i], dir[i])).isEqualTo(1);
                }
                long permits = 0;
                for (int i = 0; i < 200_000; i++) {
                    permits += run(c, parser, p, b, packets[2 + (i & 1)], dir[2 + (i & 1)]);
                }
                long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                for (int i = 0; i < 100_000; i++) {
                    permits += run(c, parser, p, b, packets[2 + (i & 1)], dir[2 + (i & 1)]);
                }
                long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
                assertThat(permits).isEqualTo(300_000);
                assertThat(h.classifier().redirects().counters().packetsIn.sum()).isEqualTo(150_001);
                assertThat(allocated).as("bytes allocated over 100 000 translated packets").isLessThan(10_000);
            } finally {
                b.release();
            }
        }
    }

    private static int run(LayerClassifier c, PacketParser parser, ParsedPacket p, ByteBuf b, byte[] bytes, Direction d) {
        b.clear().writeBytes(bytes);
        parser.parse(b, p);
        return c.decide(p, d) == Verdict.PERMIT ? 1 : 0;
    }
}
