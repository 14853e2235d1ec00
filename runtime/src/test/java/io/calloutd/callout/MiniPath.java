package io.calloutd.callout;

import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyResult;
import io.calloutd.engine.Direction;
import io.calloutd.engine.Field;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Verdict;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.testing.fragments.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A miniature data path for tests and the recording {@link InjectionTarget}: classifies raw packets through a list
 * of layers with a {@link PacketView} per layer, records every injection (bytes, thread, stack), re-classifies
 * injected packets from a configurable re-entry list with their tag, and records what was delivered.
 */
final class MiniPath implements InjectionTarget {
    /** One classification. */
    record Seen(Layer layer, InjectionTag tag, Verdict verdict) { }

    /** One injection as the target received it. */
    record Injection(InjectionType type, InjectionTag tag, byte[] bytes, Thread thread, boolean onClassifyStack,
                     StackTraceElement[] stack, int interfaceIndex) { }

    final FilterEngine engine;
    final TrackingAllocator alloc = new TrackingAllocator();
    final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
    final List<byte[]> delivered = Collections.synchronizedList(new ArrayList<>());
    final List<Injection> injections = Collections.synchronizedList(new ArrayList<>());
    final List<InjectedPacket> held = Collections.synchronizedList(new ArrayList<>());
    final Map<InjectionType, Layer[]> reentry = new EnumMap<>(InjectionType.class);
    final Map<InjectionType, Integer> reentryDirection = new EnumMap<>(InjectionType.class);
    volatile CalloutStatus refuseWith;
    volatile boolean holdCompletions;
    /** Set as the ClassifyContext flow for every indication. */
    volatile Object flow;

    MiniPath(FilterEngine engine) {
        this.engine = engine;
    }

    MiniPath reenter(InjectionType t, int direction, Layer... layers) {
        reentry.put(t, layers);
        reentryDirection.put(t, direction);
        return this;
    }

    /** Classifies {@code raw} at each layer in turn (stopping at the first BLOCK); PERMIT delivers it. */
    Verdict indicate(byte[] raw, int direction, InjectionTag tag, Layer... layers) {
        ByteBuf buf = alloc.copyOf(raw);
        try {
            ParsedPacket p = new ParsedPacket();
            if (new PacketParser().parse(buf, p) != null) throw new AssertionError("unparsable test packet");
            IncomingValues in = values(p, direction);
            for (Layer l : layers) {
                PacketView view = new PacketView();
                boolean has = view.set(p, l, direction);
                view.arrival(direction, 7, 0).injectionTag(tag);
                ClassifyContext ctx = new ClassifyContext().layerData(has ? view : null).flow(flow);
                Verdict v = engine.classify(l, in, ctx, new ClassifyResult());
                seen.add(new Seen(l, tag, v));
                if (v == Verdict.BLOCK) return v;
            }
            delivered.add(raw.clone());
            return Verdict.PERMIT;
        } finally {
            buf.release();
        }
    }

    static IncomingValues values(ParsedPacket p, int direction) {
        ByteBuf b = p.buffer();
        int src = b.getInt(p.networkOffset() + 12), dst = b.getInt(p.networkOffset() + 16);
        boolean out = direction == Direction.OUTBOUND;
        IncomingValues in = new IncomingValues()
                .setUint8(Field.IP_PROTOCOL, p.transportProtocol())
                .setV4Address(Field.IP_LOCAL_ADDRESS, out ? src : dst)
                .setV4Address(Field.IP_REMOTE_ADDRESS, out ? dst : src)
                .setUint32(Field.FLAGS, 0);
        if (p.transportProtocol() == 6 || p.transportProtocol() == 17) {
            int sp = b.getUnsignedShort(p.transportOffset()), dp = b.getUnsignedShort(p.transportOffset() + 2);
            in.setUint16(Field.IP_LOCAL_PORT, out ? sp : dp).setUint16(Field.IP_REMOTE_PORT, out ? dp : sp);
        }
        return in;
    }

    @Override
    public CalloutStatus inject(InjectedPacket p) {
        byte[] bytes = ByteBufUtil.getBytes(p.data());
        injections.add(new Injection(p.type(), p.tag(), bytes, Thread.currentThread(), CalloutRuntime.onClassifyStack(),
                Thread.currentThread().getStackTrace(), p.interfaceIndex()));
        if (refuseWith != null) return refuseWith;
        Layer[] layers = reentry.get(p.type());
        if (p.type().reclassified() && layers != null) {
            indicate(bytes, reentryDirection.get(p.type()), p.tag(), layers);
        } else {
            delivered.add(bytes);
        }
        if (holdCompletions) held.add(p);
        else p.complete(CalloutStatus.SUCCESS);
        return CalloutStatus.SUCCESS;
    }

    long count(Layer l) { synchronized (seen) { return seen.stream().filter(s -> s.layer() == l).count(); } }
}
