package io.calloutd.testkit;

import io.calloutd.inject.InjectionResult;
import io.calloutd.inject.PacketInjector;
import io.calloutd.nativebridge.TunQueue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link PacketInjector} that records, as bytes, what a pipeline hands back to the kernel instead of writing a TUN
 * or a raw socket. Lists are safe to read from any thread (callout workers may inject). Copies every packet, so it
 * is for tests only.
 */
public final class RecordingInjector implements PacketInjector {
    private final List<byte[]> received = new CopyOnWriteArrayList<>();
    private final List<byte[]> sent = new CopyOnWriteArrayList<>();
    private final List<Long> sentAlignment = new CopyOnWriteArrayList<>();
    private volatile InjectionResult result = InjectionResult.INJECTED;

    /** Packets injected into the receive path (toward the protected host), oldest first; a live view. */
    public List<byte[]> received() {
        return received;
    }

    /** Packets injected into the send path (toward the network), oldest first; a live view. */
    public List<byte[]> sent() {
        return sent;
    }

    /**
     * For each sent packet: its start address modulo 8, or -1 when the buffer has no memory address. Lets a test
     * check that rebuilt packets reach the raw socket aligned.
     */
    public List<Long> sentAlignment() {
        return sentAlignment;
    }

    /** Makes later injections report {@code r} (e.g. {@link InjectionResult#REFUSED}); packets are still recorded. */
    public void result(InjectionResult r) {
        this.result = Objects.requireNonNull(r, "result");
    }

    /** Forgets everything recorded so far. */
    public void clear() {
        received.clear();
        sent.clear();
        sentAlignment.clear();
    }

    @Override
    public InjectionResult injectReceive(TunQueue queue, ByteBuf packet) {
        received.add(ByteBufUtil.getBytes(packet));
        return result;
    }

    @Override
    public InjectionResult injectSend(ByteBuf packet, int ipVersion) {
        sent.add(ByteBufUtil.getBytes(packet));
        sentAlignment.add(packet.hasMemoryAddress() ? (packet.memoryAddress() + packet.readerIndex()) % 8 : -1L);
        return result;
    }
}
