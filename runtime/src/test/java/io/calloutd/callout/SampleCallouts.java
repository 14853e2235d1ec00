package io.calloutd.callout;

import io.calloutd.checksum.IncrementalChecksum;
import io.calloutd.engine.Callout;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Filter;
import io.calloutd.engine.IncomingValues;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The five callout types of §3.1 as test callouts; docs/callouts.md walks through the same code. */
final class SampleCallouts {
    private SampleCallouts() { }

    /** §3.2 rule 4: a self-injected packet is permitted (hard if the filter asks) and never touched again. */
    static boolean permitIfSelf(InjectionHandle h, PacketView v, Filter filter, ClassifyOut out) {
        if (!h.state(v).isSelf()) return false;
        if (out.hasWriteRight()) {
            out.permit();
            if (filter.clearsActionRight()) out.clearWriteRight();
        }
        return true;
    }

    /** Inline inspection: looks, counts, returns CONTINUE (used behind a CALLOUT_INSPECTION filter). */
    static final class InlineInspection implements Callout {
        final AtomicInteger packets = new AtomicInteger();
        final AtomicInteger bytes = new AtomicInteger();

        @Override public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
            PacketView v = (PacketView) ctx.layerData();
            packets.incrementAndGet();
            bytes.addAndGet(v.dataLength());
        }
    }

    /** Out-of-band inspection at a network layer: clone + BLOCK|ABSORB, decide on a worker, reinject or drop. */
    static final class OutOfBandInspection implements Callout {
        final InjectionHandle handle;
        final DeferredWork work;
        volatile boolean allow = true;
        final List<InjectionState> states = new CopyOnWriteArrayList<>();
        final AtomicInteger absorbed = new AtomicInteger(), completions = new AtomicInteger();

        OutOfBandInspection(InjectionHandle handle, DeferredWork work) {
            this.handle = handle;
            this.work = work;
        }

        @Override public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
            PacketView v = (PacketView) ctx.layerData();
            states.add(handle.state(v));
            if (permitIfSelf(handle, v, filter, out)) return;
            if (!out.hasWriteRight()) return; // a higher callout owns the packet (§1.6.4)
            PacketClone c = v.clone();
            c.retreat(c.dataOffset()); // network injection wants the IP header
            out.block();
            out.setAbsorb();
            absorbed.incrementAndGet();
            if (!work.submit(() -> decide(c))) c.free();
        }

        private void decide(PacketClone c) {
            if (!allow) {
                c.free(); // the silent drop
                return;
            }
            CalloutStatus s = handle.injectNetworkReceive(c, c.interfaceIndex(), c.subInterfaceIndex(), null,
                    (ctx, pkt, status) -> { completions.incrementAndGet(); pkt.free(); });
            if (s != CalloutStatus.SUCCESS) c.free(); // no completion after a synchronous failure
        }
    }

    /**
     * Inline modification at OUTBOUND_IPPACKET: clone, put a private modified copy in the clone's segment list, inject
     * from classify, restore the original segment in the completion and free.
     */
    static final class InlineModification implements Callout {
        final InjectionHandle handle;
        final ByteBufAllocator alloc;
        final int newPort;
        volatile CalloutStatus lastStatus;

        InlineModification(InjectionHandle handle, ByteBufAllocator alloc, int newPort) {
            this.handle = handle;
            this.alloc = alloc;
            this.newPort = newPort;
        }

        @Override public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
            PacketView v = (PacketView) ctx.layerData();
            if (permitIfSelf(handle, v, filter, out) || !out.hasWriteRight()) return;
            PacketClone c = v.clone();
            ByteBuf copy = alloc.buffer(c.length());
            copy.writeBytes(c.segment(0));
            int udp = c.ipHeaderSize();
            int oldPort = copy.getUnsignedShort(udp + 2);
            IncrementalChecksum.adjustUdp16(copy, udp + 6, oldPort, newPort);
            copy.setShort(udp + 2, newPort);
            ByteBuf original = c.replaceSegment(0, copy);
            out.block();
            out.setAbsorb();
            lastStatus = handle.injectNetworkSend(c, original, (o, pkt, status) -> restoreAndFree(pkt, (ByteBuf) o));
            if (lastStatus != CalloutStatus.SUCCESS) {
                restoreAndFree(c, original);
                out.clearAbsorb(); // could not inject: an ordinary, counted drop
            }
        }

        static void restoreAndFree(PacketClone c, ByteBuf original) {
            c.replaceSegment(0, original).release(); // our private copy
            c.free();
        }
    }

    /**
     * Out-of-band modification at INBOUND_TRANSPORT (TCP): reference with intent to modify + BLOCK|ABSORB; on a
     * worker take a private copy, drop the reference, rewrite the destination port and receive-inject.
     */
    static final class OutOfBandModification implements Callout {
        final InjectionHandle handle;
        final DeferredWork work;
        final ByteBufAllocator alloc;
        final int newPort;
        final AtomicInteger completions = new AtomicInteger();

        OutOfBandModification(InjectionHandle handle, DeferredWork work, ByteBufAllocator alloc, int newPort) {
            this.handle = handle;
            this.work = work;
            this.alloc = alloc;
            this.newPort = newPort;
        }

        @Override public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
            PacketView v = (PacketView) ctx.layerData();
            if (permitIfSelf(handle, v, filter, out) || !out.hasWriteRight()) return;
            PacketReference ref = v.reference(true);
            out.block(); // also clears WRITE, as intendToModify requires
            out.setAbsorb();
            if (!work.submit(() -> modify(ref))) ref.release();
        }

        private void modify(PacketReference ref) {
            PacketClone c = ref.deepCopy(alloc);
            ref.release();
            c.retreat(c.dataOffset()); // transport receive injection starts at the IP header
            ByteBuf b = c.writable();
            int tcp = c.ipHeaderSize();
            IncrementalChecksum.replace16(b, tcp + 2, newPort, tcp + 16);
            CalloutStatus s = handle.injectTransportReceive(c, c.interfaceIndex(), c.subInterfaceIndex(), null,
                    (o, pkt, status) -> { completions.incrementAndGet(); pkt.free(); });
            if (s != CalloutStatus.SUCCESS) c.free();
        }
    }

    /** The writable connect request of the redirect skeleton (FWPS_CONNECT_REQUEST0, §3.5). */
    static final class ConnectRequest {
        int remoteAddress;
        int remotePort;
        long modifierFilterId;

        ConnectRequest(int remoteAddress, int remotePort) {
            this.remoteAddress = remoteAddress;
            this.remotePort = remotePort;
        }
    }

    /** Redirect skeleton at ALE_CONNECT_REDIRECT: rewrites the remote endpoint once, then PERMIT (§3.5). */
    static final class RedirectSkeleton implements Callout {
        final int proxyAddress, proxyPort;
        final AtomicInteger redirects = new AtomicInteger();

        RedirectSkeleton(int proxyAddress, int proxyPort) {
            this.proxyAddress = proxyAddress;
            this.proxyPort = proxyPort;
        }

        @Override public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
            if (!out.hasWriteRight()) return;
            ConnectRequest r = (ConnectRequest) ctx.layerData();
            if (r.modifierFilterId == filter.id()) { // REDIRECTED_BY_SELF: never redirect twice
                out.permit();
                return;
            }
            r.remoteAddress = proxyAddress;
            r.remotePort = proxyPort;
            r.modifierFilterId = filter.id();
            redirects.incrementAndGet();
            out.permit();
        }
    }
}
