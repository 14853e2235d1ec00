package io.calloutd.callouts.ddproxy;

import io.calloutd.callout.CalloutStatus;
import io.calloutd.callout.InjectionCompletion;
import io.calloutd.callout.InjectionHandle;
import io.calloutd.callout.PacketClone;
import io.calloutd.callout.PacketReference;
import io.calloutd.callout.TransportSendParams;
import io.calloutd.checksum.IncrementalChecksum;
import io.calloutd.packet.IpProtocols;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ddproxy's out-of-band half (the sample's worker, §7.2 steps 3 and 5), on a deferred-work thread: deep copy,
 * release the reference, rewrite, inject. Outbound: the UDP destination port becomes Pb and the datagram is
 * send-injected with remote address B (the runtime rebuilds the IP header; it re-enters at the top of the send path,
 * so the new tuple is authorized first, check 40). Inbound: the source becomes A (and Pa) and the datagram is
 * receive-injected. Checksums are updated incrementally.
 */
final class DdProxyWorker {
    private static final InjectionCompletion FREE = (ctx, packet, status) -> packet.free();

    private final DdProxyConfig config;
    private final InjectionHandle handle;
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final TransportSendParams toB;
    private final long aHigh, aLow;
    final AtomicLong sent = new AtomicLong(), received = new AtomicLong(), deletedFlowDrops = new AtomicLong(),
            injectFailures = new AtomicLong();

    DdProxyWorker(DdProxyConfig config, InjectionHandle handle) {
        this.config = config;
        this.handle = handle;
        this.toB = new TransportSendParams(config.b().getAddress(), 0);
        this.aHigh = Addr.high(config.a());
        this.aLow = Addr.low(config.a());
    }

    void process(ProxyFlow flow, PacketReference ref) {
        PacketClone c;
        try {
            c = ref.deepCopy(alloc);
        } finally {
            ref.release();
        }
        if (flow.deleted) {
            c.free(); // the sample drops packets of flows that went away meanwhile
            deletedFlowDrops.incrementAndGet();
            return;
        }
        CalloutStatus s;
        try {
            s = flow.kind == ProxyFlow.ORIGINAL ? toB(c) : fromA(c);
        } catch (RuntimeException e) {
            s = CalloutStatus.INVALID_PARAMETER;
        }
        if (s != CalloutStatus.SUCCESS) {
            c.free(); // not accepted: still ours
            injectFailures.incrementAndGet();
        }
    }

    /** Outbound datagram of the app's flow to A: to B:Pb. The copy's data starts at the transport header. */
    private CalloutStatus toB(PacketClone c) {
        ByteBuf b = c.writable();
        int t = b.readerIndex() + c.ipHeaderSize();
        if (c.transportProtocol() == IpProtocols.UDP) {
            int old = b.getUnsignedShort(t + 2);
            b.setShort(t + 2, config.pb());
            IncrementalChecksum.adjustUdp16(b, t + 6, old, config.pb());
        }
        CalloutStatus s = handle.injectTransportSend(c, toB, null, FREE);
        if (s == CalloutStatus.SUCCESS) {
            sent.incrementAndGet();
        }
        return s;
    }

    /** Inbound reply on the proxied flow from B:Pb: delivered as from A:Pa. */
    private CalloutStatus fromA(PacketClone c) {
        c.retreat(c.dataOffset()); // receive injection wants the IP header
        ByteBuf b = c.writable();
        int ip = b.readerIndex();
        int t = ip + c.ipHeaderSize();
        int proto = c.transportProtocol();
        boolean udp = proto == IpProtocols.UDP;
        if (c.ipVersion() == 4) {
            int old = b.getInt(ip + 12);
            int a = (int) aLow;
            b.setInt(ip + 12, a);
            IncrementalChecksum.adjust32(b, ip + 10, old, a);
            if (udp) {
                IncrementalChecksum.adjustUdp32(b, t + 6, old, a); // ICMPv4 does not cover addresses
            }
        } else {
            long oh = b.getLong(ip + 8), ol = b.getLong(ip + 16);
            b.setLong(ip + 8, aHigh);
            b.setLong(ip + 16, aLow);
            IncrementalChecksum.adjust128(b, udp ? t + 6 : t + 2, oh, ol, aHigh, aLow);
        }
        if (udp) {
            int old = b.getUnsignedShort(t);
            b.setShort(t, config.pa());
            IncrementalChecksum.adjustUdp16(b, t + 6, old, config.pa());
        }
        CalloutStatus s = handle.injectTransportReceive(c, c.interfaceIndex(), c.subInterfaceIndex(), null, FREE);
        if (s == CalloutStatus.SUCCESS) {
            received.incrementAndGet();
        }
        return s;
    }

    Map<String, Object> status() {
        return Map.of("sentToNewDestination", sent.get(), "repliesDelivered", received.get(),
                "deletedFlowDrops", deletedFlowDrops.get(), "injectFailures", injectFailures.get());
    }
}
