package io.calloutd.callouts.testkit;

import io.calloutd.inject.InjectionResult;
import io.calloutd.inject.PacketInjector;
import io.calloutd.nativebridge.TunQueue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records, as bytes, what the pipeline hands back to the kernel (instead of writing a TUN). */
public final class RecordingInjector implements PacketInjector {
    /** Packets written toward the protected host (receive path). */
    public final List<byte[]> received = new CopyOnWriteArrayList<>();
    /** Packets written into the send path. */
    public final List<byte[]> sent = new CopyOnWriteArrayList<>();

    @Override
    public InjectionResult injectReceive(TunQueue queue, ByteBuf packet) {
        received.add(ByteBufUtil.getBytes(packet));
        return InjectionResult.INJECTED;
    }

    @Override
    public InjectionResult injectSend(ByteBuf packet, int ipVersion) {
        sent.add(ByteBufUtil.getBytes(packet));
        return InjectionResult.INJECTED;
    }
}
