package io.calloutd.pipeline;

import io.calloutd.inject.InjectionPath;
import io.calloutd.inject.InjectionResult;
import io.calloutd.inject.Reinjector;
import io.calloutd.nativebridge.PacketReceiver;
import io.calloutd.nativebridge.TunQueue;
import io.calloutd.packet.DropCounters;
import io.calloutd.packet.DropReason;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.netty.buffer.ByteBuf;
import java.util.EnumMap;
import java.util.Map;

/**
 * The packet path of one packet thread: validate/parse, ask the verdict hook, reinject. Every packet read
 * ends exactly once as reinjected or as a counted drop with a reason; no exception escapes to the reader
 * loop and nothing is allocated per packet (the parse state is reused, the buffer is pooled).
 */
public final class PacketPipeline {
    private final PacketParser parser = new PacketParser();
    private final ParsedPacket parsed = new ParsedPacket();
    private final VerdictHook hook;
    private final Reinjector injector;
    private final DropCounters drops;
    private final PipelineCounters counters;
    private final Map<Direction, InjectionPath> pathByDirection;

    /**
     * @param hook            decides each well-formed packet
     * @param injector        hands packets back to the kernel
     * @param drops           malformed-packet counters by reason
     * @param counters        packet accounting
     * @param pathByDirection which injection path each direction's permitted packets take
     */
    public PacketPipeline(VerdictHook hook, Reinjector injector, DropCounters drops, PipelineCounters counters,
                          Map<Direction, InjectionPath> pathByDirection) {
        this.hook = hook;
        this.injector = injector;
        this.drops = drops;
        this.counters = counters;
        this.pathByDirection = new EnumMap<>(pathByDirection);
        for (Direction d : Direction.values()) {
            if (!this.pathByDirection.containsKey(d)) {
                throw new IllegalArgumentException("no injection path configured for " + d);
            }
        }
    }

    /**
     * @param direction the direction of every packet read through the returned receiver
     * @return a receiver to register for the TUN queues that carry that direction's traffic
     */
    public PacketReceiver receiverFor(Direction direction) {
        InjectionPath path = pathByDirection.get(direction);
        return (queue, packet) -> {
            try {
                process(queue, packet, direction, path);
            } finally {
                packet.release();
            }
        };
    }

    /** Processes one packet; the caller keeps ownership of the buffer. */
    void process(TunQueue queue, ByteBuf packet, Direction direction, InjectionPath path) {
        counters.packetsIn.increment();
        counters.bytesIn.add(packet.readableBytes());
        (direction == Direction.INBOUND ? counters.inbound : counters.outbound).increment();

        DropReason malformed = parser.parse(packet, parsed);
        if (malformed != null) {
            drops.increment(malformed);
            counters.dropsMalformed.increment();
            return;
        }
        if (hook.decide(parsed, direction) != Verdict.PERMIT) {
            counters.dropsByVerdict.increment();
            return;
        }
        if (parsed.trailingBytes() > 0) {
            // Link-layer padding beyond the IP length is not part of the packet (the kernel trims it too).
            packet.writerIndex(parsed.ipEnd());
        }
        int length = packet.readableBytes();
        InjectionResult result = path == InjectionPath.RECEIVE
                ? injector.injectReceive(queue, packet)
                : injector.injectSend(packet, parsed.ipVersion());
        if (result == InjectionResult.INJECTED) {
            counters.packetsOut.increment();
            counters.bytesOut.add(length);
            (path == InjectionPath.RECEIVE ? counters.reinjectedReceivePath : counters.reinjectedSendPath).increment();
        } else {
            counters.dropsInjectionFailed.increment();
        }
    }
}
