package io.calloutd.testing;

import io.calloutd.inject.InjectionResult;
import io.calloutd.inject.PacketInjector;
import io.calloutd.nativebridge.TunQueue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;

/** Records, as bytes, what a pipeline would have handed back to the kernel. */
public final class RecordingInjector implements PacketInjector {
    /** Packets injected into the receive path (toward the protected host). */
    public final List<byte[]> received = new ArrayList<>();
    /** Packets injected into the send path. */
    public final List<byte[]> sent = new ArrayList<>();
    /** For each sent packet: its start address modulo 8 (-1 when the buffer has no memory address). */
    public final List<Long> sentAlignment = new ArrayList<>();
    /** What the next injections report. */
    public InjectionResult next = InjectionResult.INJECTED;

    @Override
    public InjectionResult injectReceive(TunQueue queue, ByteBuf packet) {
        received.add(ByteBufUtil.getBytes(packet));
        return next;
    }

    @Override
    public InjectionResult injectSend(ByteBuf packet, int ipVersion) {
        sent.add(ByteBufUtil.getBytes(packet));
        sentAlignment.add(packet.hasMemoryAddress() ? (packet.memoryAddress() + packet.readerIndex()) % 8 : -1L);
        return next;
    }
}
