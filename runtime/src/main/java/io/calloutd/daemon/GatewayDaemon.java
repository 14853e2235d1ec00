package io.calloutd.daemon;

import io.calloutd.inject.InjectionPath;
import io.calloutd.inject.Reinjector;
import io.calloutd.nativebridge.PacketIoLoop;
import io.calloutd.nativebridge.TunDevice;
import io.calloutd.packet.DropCounters;
import io.calloutd.pipeline.Direction;
import io.calloutd.pipeline.PacketPipeline;
import io.calloutd.pipeline.PipelineCounters;
import io.calloutd.pipeline.VerdictHook;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway-mode daemon: two TUN devices (one per direction, so the direction of a packet is known from
 * where it was read, never guessed), one packet thread per queue index reading both devices, and the
 * policy routing that steers forwarded traffic through them. {@link #close()} restores the namespace.
 */
public final class GatewayDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayDaemon.class);
    /** Largest IP packet a TUN read can return without a vnet header (64 KiB datagram). */
    private static final int MAX_PACKET = 65535;
    private static final int READ_BATCH = 64;

    private final GatewayConfig config;
    private final PipelineCounters counters = new PipelineCounters();
    private final List<DropCounters> dropCounters = new ArrayList<>();
    private final List<PacketIoLoop> loops = new ArrayList<>();
    private final List<Reinjector> injectors = new ArrayList<>();
    private TunDevice outboundTun;
    private TunDevice inboundTun;
    private GatewayRouting routing;

    private GatewayDaemon(GatewayConfig config) {
        this.config = config;
    }

    /**
     * Creates the TUNs, starts the packet threads and installs the routing.
     *
     * @param config   gateway settings
     * @param hook     the verdict for well-formed packets
     * @param outboundPath how permitted outbound packets re-enter the kernel
     * @throws IOException naming what failed; anything already set up is torn down again
     */
    public static GatewayDaemon start(GatewayConfig config, VerdictHook hook, InjectionPath outboundPath) throws IOException {
        GatewayDaemon d = new GatewayDaemon(config);
        try {
            d.startUp(hook, outboundPath);
            return d;
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private void startUp(VerdictHook hook, InjectionPath outboundPath) throws IOException {
        outboundTun = TunDevice.create(config.outboundTun(), config.queues(), false);
        inboundTun = TunDevice.create(config.inboundTun(), config.queues(), false);
        Map<Direction, InjectionPath> paths = Map.of(
                Direction.OUTBOUND, outboundPath,
                Direction.INBOUND, InjectionPath.RECEIVE);
        for (int q = 0; q < config.queues(); q++) {
            Reinjector injector = new Reinjector(config.mark());
            injectors.add(injector);
            DropCounters drops = new DropCounters();
            dropCounters.add(drops);
            PacketPipeline pipeline = new PacketPipeline(hook, injector, drops, counters, paths);
            PacketIoLoop loop = new PacketIoLoop("calloutd-packets-" + q, PooledByteBufAllocator.DEFAULT, MAX_PACKET, READ_BATCH);
            loops.add(loop);
            loop.register(outboundTun.queues().get(q), pipeline.receiverFor(Direction.OUTBOUND));
            loop.register(inboundTun.queues().get(q), pipeline.receiverFor(Direction.INBOUND));
        }
        routing = GatewayRouting.install(config);
        LOG.info("calloutd gateway running: inside={} outside={} tun={},{} queues={} outbound injection={}",
                config.inside(), config.outside(), config.outboundTun(), config.inboundTun(), config.queues(), outboundPath);
    }

    /** @return the packet accounting */
    public PipelineCounters counters() {
        return counters;
    }

    /** @return per-thread malformed-packet counters */
    public List<DropCounters> dropCounters() {
        return dropCounters;
    }

    /** @return errors thrown by packet handlers (should stay 0) */
    public long receiverErrors() {
        return loops.stream().mapToLong(PacketIoLoop::receiverErrors).sum();
    }

    /** @return the settings */
    public GatewayConfig config() {
        return config;
    }

    private static TunDevice closeQuietly(TunDevice tun) {
        if (tun != null) {
            try {
                tun.close();
            } catch (IOException e) {
                LOG.warn("closing TUN {}: {}", tun.name(), e.getMessage());
            }
        }
        return null;
    }

    /** Restores routing first (so traffic stops being steered), then stops the threads and removes the TUNs. */
    @Override
    public void close() {
        if (routing != null) {
            routing.close();
            routing = null;
        }
        for (PacketIoLoop loop : loops) {
            loop.close();
        }
        loops.clear();
        for (Reinjector injector : injectors) {
            injector.close();
        }
        injectors.clear();
        outboundTun = closeQuietly(outboundTun);
        inboundTun = closeQuietly(inboundTun);
    }
}
