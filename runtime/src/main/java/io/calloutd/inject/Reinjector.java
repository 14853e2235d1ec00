package io.calloutd.inject;

import io.calloutd.nativebridge.NativeException;
import io.calloutd.nativebridge.RawIpSocket;
import io.calloutd.nativebridge.TunQueue;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands packets back to the kernel. Receive path: a write to a TUN queue. Send path: a raw socket (one per
 * IP version) whose firewall mark the routing policy exempts from the TUN, so the packet is not steered
 * back into us. Single-threaded by contract: one instance per packet thread.
 */
public final class Reinjector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reinjector.class);
    /** Errors are logged once per call+errno so a refusing kernel cannot flood the log. */
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private final RawIpSocket raw4;
    private final RawIpSocket raw6;

    /**
     * @param mark firewall mark carried by send-path packets
     * @throws NativeException when a raw socket cannot be opened
     */
    public Reinjector(int mark) throws NativeException {
        RawIpSocket v4 = RawIpSocket.openIpv4(mark);
        try {
            this.raw6 = RawIpSocket.openIpv6(mark);
        } catch (NativeException e) {
            try {
                v4.close();
            } catch (NativeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        this.raw4 = v4;
    }

    /**
     * Writes the packet's readable bytes to the TUN queue; the kernel receives it as arriving on the TUN.
     * The buffer is not released.
     */
    public InjectionResult injectReceive(TunQueue queue, ByteBuf packet) {
        try {
            return queue.write(packet) > 0 ? InjectionResult.INJECTED : InjectionResult.QUEUE_FULL;
        } catch (NativeException e) {
            logOnce(e);
            return InjectionResult.REFUSED;
        }
    }

    /**
     * Sends the packet (a whole IP packet, header included) through the marked raw socket of its IP version.
     * The buffer is not released.
     */
    public InjectionResult injectSend(ByteBuf packet, int ipVersion) {
        try {
            (ipVersion == 6 ? raw6 : raw4).send(packet);
            return InjectionResult.INJECTED;
        } catch (NativeException e) {
            logOnce(e);
            return InjectionResult.REFUSED;
        }
    }

    private static void logOnce(NativeException e) {
        if (LOGGED.add(e.call() + '/' + e.errno())) {
            LOG.warn("reinjection refused by the kernel (further identical errors are only counted): {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        for (RawIpSocket socket : new RawIpSocket[] {raw4, raw6}) {
            try {
                socket.close();
            } catch (NativeException e) {
                LOG.warn("closing raw socket: {}", e.getMessage());
            }
        }
    }
}
