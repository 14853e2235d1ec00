package io.calloutd.classify;

import static io.calloutd.flow.FlowPackets.ACK;
import static io.calloutd.flow.FlowPackets.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.callout.CalloutStatus;
import io.calloutd.callout.InjectionHandle;
import io.calloutd.callout.InjectionState;
import io.calloutd.callout.PacketClone;
import io.calloutd.callout.PacketView;
import io.calloutd.callout.RegisteredCallout;
import io.calloutd.checksum.IncrementalChecksum;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import io.calloutd.flow.Flow;
import io.calloutd.flow.FlowPackets;
import io.calloutd.testkit.CalloutTestPath;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.UdpPacket;

/**
 * Callouts on real packets through the real pipeline: layer data, flows and injections as the daemon wires them
 * (§3.1 callout types, check 28, check 31, check 39).
 */
class CalloutDataPathTest {
    static final String HOST = "198.18.1.2", PEER = "198.18.2.2";
    final CalloutTestPath h = CalloutTestPath.create();

    @AfterEach
    void close() {
        h.close();
    }

    /** A TCP handshake with data both ways and a UDP exchange: 7 packets, 4 outbound and 3 inbound. */
    static final byte[][] OUT = {
        FlowPackets.tcp(HOST, 40000, PEER, 80, SYN, 1, 0, 0),
        FlowPackets.tcp(HOST, 40000, PEER, 80, ACK, 2, 101, 0),
        FlowPackets.tcp(HOST, 40000, PEER, 80, ACK, 2, 101, 300),
        FlowPackets.udp(HOST, 4000, PEER, 53, 40),
    };
    static final byte[][] IN = {
        FlowPackets.tcp(PEER, 80, HOST, 40000, SYN | ACK, 100, 2, 0),
        FlowPackets.tcp(PEER, 80, HOST, 40000, ACK, 101, 302, 1000),
        FlowPackets.udp(PEER, 53, HOST, 4000, 80),
    };

    private void exchange() {
        h.outbound(OUT[0]);
        h.inbound(IN[0]);
        h.outbound(OUT[1]);
        h.outbound(OUT[2]);
        h.inbound(IN[1]);
        h.outbound(OUT[3]);
        h.inbound(IN[2]);
    }

    /** One indication as an inline inspection callout saw it. */
    record Seen(Layer layer, int dataOffset, int length, InjectionState state, boolean hasFlow) { }

    @Test
    void inlineInspectionSeesEveryPacketAtItsLayersAndNeverChangesIt() throws Exception {
        List<Seen> seen = new ArrayList<>();
        InjectionHandle handle = h.handle(InjectionHandle.TRANSPORT);
        h.register((in, ctx, f, out) -> {
            // At STREAM the layer data is the stream I/O packet (io.calloutd.stream.StreamCalloutIo), not a packet view.
            PacketView v = ctx.layerData() instanceof PacketView pv ? pv : null;
            assertThat(ctx.layer() != Layer.STREAM_V4 || ctx.layerData() instanceof io.calloutd.stream.StreamCalloutIo).isTrue();
            seen.add(new Seen(ctx.layer(), v == null ? -1 : v.dataOffset(), v == null ? -1 : v.ipLength(),
                    handle.state(v), ctx.flow() instanceof Flow));
        }, FilterAction.CALLOUT_INSPECTION, Layer.OUTBOUND_TRANSPORT_V4, Layer.INBOUND_TRANSPORT_V4,
                Layer.DATAGRAM_DATA_V4, Layer.STREAM_V4, Layer.ALE_AUTH_CONNECT_V4);

        exchange();

        assertThat(h.sent()).containsExactly(OUT);
        assertThat(h.received()).containsExactly(IN);
        // Outbound transport: data at the transport header (20 bytes in); inbound transport: at the payload.
        assertThat(seen).filteredOn(s -> s.layer() == Layer.OUTBOUND_TRANSPORT_V4).hasSize(4)
                .allSatisfy(s -> assertThat(s.dataOffset()).isEqualTo(20)).allSatisfy(s -> assertThat(s.hasFlow()).isFalse());
        assertThat(seen).filteredOn(s -> s.layer() == Layer.INBOUND_TRANSPORT_V4).extracting(Seen::dataOffset)
                .containsExactly(40, 40, 28);
        // ALE and upper layers carry the flow; TCP connect has no layer data (check 26).
        assertThat(seen).filteredOn(s -> s.layer() == Layer.ALE_AUTH_CONNECT_V4).extracting(Seen::dataOffset)
                .containsExactly(-1, 20);
        assertThat(seen).filteredOn(s -> s.layer() == Layer.DATAGRAM_DATA_V4).hasSize(2)
                .allSatisfy(s -> assertThat(s.hasFlow()).isTrue());
        assertThat(seen).filteredOn(s -> s.layer() == Layer.STREAM_V4).hasSize(2) // the two segments with payload
                .allSatisfy(s -> assertThat(s.hasFlow()).isTrue()).allSatisfy(s -> assertThat(s.dataOffset()).isEqualTo(-1));
        assertThat(seen).extracting(Seen::state).containsOnly(InjectionState.NOT_INJECTED);
        assertThat(h.counters().injectionsAccepted()).isZero();
        assertThat(h.counters().unaccounted()).isZero();
    }

    /** Out-of-band inspection (§7.1 inspect): clone, BLOCK+ABSORB, reinject the clone unchanged from a worker. */
    static final class OutOfBandInspection implements io.calloutd.engine.Callout {
        final InjectionHandle handle;
        final io.calloutd.callout.DeferredWork work;
        final List<InjectionState> states = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger absorbed = new AtomicInteger(), completions = new AtomicInteger(), failures = new AtomicInteger();

        OutOfBandInspection(InjectionHandle handle, io.calloutd.callout.DeferredWork work) {
            this.handle = handle;
            this.work = work;
        }

        @Override
        public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
            PacketView v = (PacketView) ctx.layerData();
            InjectionState state = handle.state(v);
            states.add(state);
            if (state.isSelf()) {
                if (out.hasWriteRight()) {
                    out.permit();
                }
                return;
            }
            if (!out.hasWriteRight()) {
                return;
            }
            PacketClone c = v.clone();
            boolean outbound = v.direction() == io.calloutd.engine.Direction.OUTBOUND;
            out.block();
            out.setAbsorb();
            absorbed.incrementAndGet();
            if (!work.submit(() -> reinject(c, outbound))) {
                c.free();
            }
        }

        private void reinject(PacketClone c, boolean outbound) {
            CalloutStatus s;
            if (outbound) { // cloned at OUTBOUND_TRANSPORT: already at the transport header
                s = handle.injectTransportSend(c, null, null, (o, pkt, st) -> done(pkt, st));
            } else {
                c.retreat(c.dataOffset()); // transport receive injection starts at the IP header
                s = handle.injectTransportReceive(c, c.interfaceIndex(), c.subInterfaceIndex(), null, (o, pkt, st) -> done(pkt, st));
            }
            if (s != CalloutStatus.SUCCESS) {
                failures.incrementAndGet();
                c.free();
            }
        }

        private void done(PacketClone pkt, CalloutStatus status) {
            if (status != CalloutStatus.SUCCESS) {
                failures.incrementAndGet();
            }
            completions.incrementAndGet();
            pkt.free();
        }
    }

    @Test
    void outOfBandInspectionDeliversEveryPacketOnceUnchangedWithoutLooping() throws Exception {
        OutOfBandInspection oob = new OutOfBandInspection(h.handle(InjectionHandle.TRANSPORT), h.runtime().deferredWork());
        RegisteredCallout reg = h.register(oob, FilterAction.CALLOUT_TERMINATING,
                Layer.OUTBOUND_TRANSPORT_V4, Layer.INBOUND_TRANSPORT_V4);
        // Each packet waits for its reinjection before the next is sent, as a real peer would.
        for (int i = 0; i < 7; i++) {
            int[] order = {0, -1, 1, 2, -2, 3, -3};
            int k = order[i];
            if (k >= 0) {
                h.outbound(OUT[k]);
            } else {
                h.inbound(IN[-k - 1]);
            }
            int expected = i + 1;
            assertThat(h.runPacketThreadUntil(() -> oob.completions.get() == expected, 5000)).isTrue();
        }

        assertThat(h.sent()).containsExactly(OUT); // exactly once each, byte-identical
        assertThat(h.received()).containsExactly(IN);
        assertThat(oob.absorbed).hasValue(7);
        assertThat(oob.failures).hasValue(0);
        // Each packet: once as the original, once as its own reinjection (check 31), never a third time.
        assertThat(oob.states).hasSize(14);
        assertThat(oob.states).filteredOn(InjectionState.INJECTED_BY_SELF::equals).hasSize(7);
        assertThat(oob.states).filteredOn(InjectionState.NOT_INJECTED::equals).hasSize(7);
        assertThat(reg.timing().invocations()).isEqualTo(14);
        assertThat(h.counters().injectionsAccepted()).isEqualTo(7);
        assertThat(h.counters().injectedOut()).isEqualTo(7);
        assertThat(h.counters().dropsByVerdict()).isEqualTo(7); // the absorbed originals
        assertThat(h.counters().unaccounted()).isZero();
        assertThat(h.runtime().injector().deferredInjections()).isZero(); // injected from the worker, not classify
    }

    @Test
    void inlineModificationDeliversTheModifiedDatagramOnceWithValidChecksums() throws Exception {
        InjectionHandle handle = h.handle(InjectionHandle.TRANSPORT);
        AtomicInteger completions = new AtomicInteger();
        List<Boolean> onStack = new ArrayList<>();
        h.register((in, ctx, filter, out) -> {
            PacketView v = (PacketView) ctx.layerData();
            if (handle.state(v).isSelf()) {
                out.permit();
                return;
            }
            if (!out.hasWriteRight()) {
                return;
            }
            int back = v.dataOffset();
            v.retreat(back); // to the IP header: transport receive injection starts there
            PacketClone copy = v.deepCopy(PooledByteBufAllocator.DEFAULT);
            v.advance(back);
            ByteBuf b = copy.writable();
            int udp = copy.ipHeaderSize(), word = udp + 8; // first payload word
            int old = b.getUnsignedShort(word), changed = old ^ 0x4200;
            IncrementalChecksum.adjustUdp16(b, udp + 6, old, changed);
            b.setShort(word, changed);
            out.block();
            out.setAbsorb();
            CalloutStatus s = handle.injectTransportReceive(copy, v.interfaceIndex(), 0, null, (o, pkt, st) -> {
                onStack.add(io.calloutd.callout.CalloutRuntime.onClassifyStack());
                completions.incrementAndGet();
                pkt.free();
            });
            if (s != CalloutStatus.SUCCESS) {
                copy.free();
                out.clearAbsorb();
            }
        }, FilterAction.CALLOUT_TERMINATING, Layer.INBOUND_TRANSPORT_V4);

        byte[] original = FlowPackets.udp(PEER, 7000, HOST, 4000, 80); // not 53: pcap4j would decode DNS
        // A reply on an authorized flow: the first packet of an inbound flow is flagged ALE_CLASSIFY_REQUIRED and may
        // not be transport-receive injected from the transport layer (check 47).
        h.outbound(FlowPackets.udp(HOST, 4000, PEER, 7000, 10));
        h.inbound(original);

        assertThat(completions).hasValue(1); // inline: completed when the packet thread finished the packet
        assertThat(onStack).containsExactly(false);
        assertThat(h.received()).hasSize(1);
        byte[] got = h.received().get(0);
        byte[] expected = original.clone();
        expected[28] ^= 0x42;
        assertThat(ByteBufUtil.hexDump(got).substring(0, 52)).isEqualTo(ByteBufUtil.hexDump(expected).substring(0, 52));
        assertThat(got.length).isEqualTo(expected.length);
        assertThat(got[28]).isEqualTo(expected[28]);
        // Independent check of every checksum (pcap4j), check 39.
        IpV4Packet ip = IpV4Packet.newPacket(got, 0, got.length);
        assertThat(ip.getHeader().hasValidChecksum(false)).isTrue();
        UdpPacket u = ip.get(UdpPacket.class);
        assertThat(u.hasValidChecksum(ip.getHeader().getSrcAddr(), ip.getHeader().getDstAddr(), false)).as(ByteBufUtil.hexDump(got) + " vs " + ByteBufUtil.hexDump(original)).isTrue();
        assertThat(java.util.Arrays.copyOfRange(got, 30, got.length)).isEqualTo(java.util.Arrays.copyOfRange(original, 30, original.length));
        assertThat(h.counters().injectedOut()).isEqualTo(1);
        assertThat(h.counters().injectedBlocked()).isZero();
        assertThat(h.counters().unaccounted()).isZero();
    }

    /** Direct buffers whose data starts 3 bytes past an aligned address, as a clone in a composite or slice may. */
    static final class MisalignedAllocator extends io.netty.buffer.AbstractByteBufAllocator {
        MisalignedAllocator() { super(true); }
        @Override protected ByteBuf newHeapBuffer(int initial, int max) { return io.netty.buffer.Unpooled.buffer(initial, max); }
        @Override protected ByteBuf newDirectBuffer(int initial, int max) {
            ByteBuf b = io.netty.buffer.Unpooled.directBuffer(initial + 3, max == Integer.MAX_VALUE ? max : max + 3);
            return b.writerIndex(3).readerIndex(3);
        }
        @Override public boolean isDirectBufferPooled() { return false; }
    }

    @Test
    void anInboundPacketTurnedIntoTheSendPathLeavesWithAlignedContiguousHeaders() throws Exception {
        InjectionHandle handle = h.handle(InjectionHandle.NETWORK);
        List<Long> cloneAlignment = new ArrayList<>();
        h.register((in, ctx, filter, out) -> {
            PacketView v = (PacketView) ctx.layerData();
            if (handle.state(v).isSelf() || !out.hasWriteRight()) {
                return;
            }
            int back = v.dataOffset();
            v.retreat(back); // network injection starts at the IP header
            PacketClone copy = v.deepCopy(new MisalignedAllocator());
            v.advance(back);
            ByteBuf b = copy.writable();
            cloneAlignment.add((b.memoryAddress() + b.readerIndex()) % 8);
            // Reflect it: swap addresses and ports (checksums stay valid: the sums do not change).
            int src = b.getInt(b.readerIndex() + 12), dst = b.getInt(b.readerIndex() + 16);
            b.setInt(b.readerIndex() + 12, dst);
            b.setInt(b.readerIndex() + 16, src);
            int udp = b.readerIndex() + copy.ipHeaderSize();
            int sp = b.getUnsignedShort(udp), dp = b.getUnsignedShort(udp + 2);
            b.setShort(udp, dp);
            b.setShort(udp + 2, sp);
            out.block();
            out.setAbsorb();
            if (handle.injectNetworkSend(copy, null, (o, pkt, st) -> pkt.free()) != CalloutStatus.SUCCESS) {
                copy.free();
                out.clearAbsorb();
            }
        }, FilterAction.CALLOUT_TERMINATING, Layer.INBOUND_IPPACKET_V4);

        h.inbound(FlowPackets.udp(PEER, 7000, HOST, 4000, 81));

        assertThat(cloneAlignment).as("the clone really was misaligned").containsExactly(3L);
        assertThat(h.received()).isEmpty();
        assertThat(h.sent()).containsExactly(FlowPackets.udp(HOST, 4000, PEER, 7000, 81));
        assertThat(h.injector().sentAlignment()).as("start address of what the send path got, modulo 8").containsExactly(0L);
        assertThat(h.counters().headersRebuilt()).isEqualTo(1);
    }
}
