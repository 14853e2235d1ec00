package io.calloutd.flow;

import static io.calloutd.flow.FlowPackets.ACK;
import static io.calloutd.flow.FlowPackets.SYN;
import static io.calloutd.flow.FlowPackets.tcp;
import static io.calloutd.flow.FlowPackets.udp;
import static io.calloutd.pipeline.Direction.INBOUND;
import static io.calloutd.pipeline.Direction.OUTBOUND;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** Tracking packets of existing flows must not allocate (steady state of the packet path). */
class FlowTableAllocationTest {
    @Test
    void trackingExistingFlowsAllocatesNothing() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        FlowPackets pk = new FlowPackets();
        FlowTable table = new FlowTable(FlowConfig.DEFAULTS.withMaxFlows(4096), FlowDeleteListener.NONE);
        FlowEvent ev = new FlowEvent();
        int n = 1000;
        ByteBuf[] packets = new ByteBuf[2 * n];
        for (int i = 0; i < n; i++) {
            boolean v6 = i % 2 == 0;
            String c = v6 ? "fd00::" + Integer.toHexString(i + 1) : "198.18." + (i >> 8) + "." + (i & 255);
            String s = v6 ? "fd00:1::1" : "198.19.0.1";
            if (i % 4 < 2) {
                int port = 10000 + i;
                table.track(pk.parse(tcp(c, port, s, 443, SYN, 0, 0, 0)), OUTBOUND, 0, ev);
                table.track(pk.parse(tcp(s, 443, c, port, SYN | ACK, 0, 1, 0)), INBOUND, 0, ev);
                table.track(pk.parse(tcp(c, port, s, 443, ACK, 1, 1, 0)), OUTBOUND, 0, ev);
                packets[2 * i] = direct(tcp(c, port, s, 443, ACK, 1, 1, 100));
                packets[2 * i + 1] = direct(tcp(s, 443, c, port, ACK, 1, 101, 0));
            } else {
                packets[2 * i] = direct(udp(c, 20000 + i, s, 53, 30));
                packets[2 * i + 1] = direct(udp(s, 53, c, 20000 + i, 60));
            }
        }
        long flows = table.counters().created();
        run(table, pk, ev, packets, 300_000); // warm-up (JIT)
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        long sum = run(table, pk, ev, packets, 100_000);
        long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertThat(sum).isEqualTo(100_000);
        assertThat(table.counters().created()).isEqualTo(flows + n / 2); // UDP flows came from the warm-up
        assertThat(table.counters().created()).isEqualTo(n);
        // A single allocation per packet would be >= 1.6 MB; allow a little for the measurement itself.
        assertThat(allocated).as("bytes allocated for 100 000 tracked packets").isLessThan(1024);
        table.close();
    }

    private static long run(FlowTable table, FlowPackets pk, FlowEvent ev, ByteBuf[] packets, int count) {
        long found = 0;
        for (int i = 0; i < count; i++) {
            ByteBuf b = packets[i % packets.length];
            if (table.track(pk.parse(b), (i & 1) == 0 ? OUTBOUND : INBOUND, 1_000_000L, ev) != null) {
                found++;
            }
        }
        return found;
    }

    // Tests run with paranoid leak detection, whose wrappers record a trace on every access: measure the table,
    // not the detector.
    private static final UnpooledByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(true, true);

    private static ByteBuf direct(byte[] raw) {
        return UNTRACKED.directBuffer(raw.length).writeBytes(raw);
    }
}
