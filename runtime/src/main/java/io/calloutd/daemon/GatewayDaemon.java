package io.calloutd.daemon;

import io.calloutd.callout.CalloutRuntime;
import io.calloutd.callout.PluginLoader;
import io.calloutd.classify.ClassificationObserver;
import io.calloutd.classify.ClassifierCounters;
import io.calloutd.classify.LayerClassifier;
import io.calloutd.engine.FilterEngine;
import io.calloutd.flow.FlowConfig;
import io.calloutd.inject.InjectionPath;
import io.calloutd.inject.Reinjector;
import io.calloutd.nativebridge.NativeException;
import io.calloutd.nativebridge.OffloadProbe;
import io.calloutd.nativebridge.PacketIoLoop;
import io.calloutd.nativebridge.TunDevice;
import io.calloutd.nativebridge.TunOffload;
import io.calloutd.nativebridge.VirtioNetHeader;
import io.calloutd.packet.DropCounters;
import io.calloutd.fragment.ReassemblyConfig;
import io.calloutd.pipeline.Direction;
import io.calloutd.pipeline.Egress;
import io.calloutd.pipeline.InjectionRouter;
import io.calloutd.pipeline.PacketPipeline;
import io.calloutd.pipeline.PipelineCounters;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
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
    /** Largest frame with a vnet header: an IPv6 super-frame may reach 40 + 65535 bytes behind the header. */
    private static final int MAX_VNET_FRAME = VirtioNetHeader.SIZE + 40 + 65535;
    private static final int READ_BATCH = 64;

    private final GatewayConfig config;
    private final PipelineCounters counters = new PipelineCounters();
    private final List<DropCounters> dropCounters = new ArrayList<>();
    private final List<PacketIoLoop> loops = new ArrayList<>();
    private final List<Reinjector> injectors = new ArrayList<>();
    private final List<PacketPipeline> pipelines = new ArrayList<>();
    private final List<LayerClassifier> classifiers = new ArrayList<>();
    private final ClassifierCounters classifierCounters = new ClassifierCounters();
    /** Redirect records of all packet threads: proxies query original destinations here (§3.5). */
    private final io.calloutd.redirect.RedirectRegistry redirects = new io.calloutd.redirect.RedirectRegistry();
    private final io.calloutd.redirect.RedirectCounters redirectCounters = new io.calloutd.redirect.RedirectCounters();
    private FilterEngine engine;
    private final InjectionRouter injectionRouter = new InjectionRouter();
    private CalloutRuntime callouts;
    private TunDevice outboundTun;
    private TunDevice inboundTun;
    private GatewayRouting routing;
    private EnumSet<TunOffload> offloads = EnumSet.noneOf(TunOffload.class);
    private InjectionPath outboundPath;
    private io.calloutd.capture.PacketCaptureWriter dropCapture;
    private java.util.concurrent.ScheduledExecutorService expiry;

    private GatewayDaemon(GatewayConfig config) {
        this.config = config;
    }

    /**
     * Creates the TUNs, starts the packet threads (each with its own layer classifier and flow table over the
     * shared filter engine) and installs the routing.
     *
     * @param config       gateway settings
     * @param engine       the filter engine holding the policy
     * @param flows        flow table limits and timeouts (per packet thread)
     * @param observer     sees every classification (layer traces); null for none
     * @param outboundPath how permitted outbound packets re-enter the kernel; null = a write to the outbound TUN
     *                     when it carries a vnet header (super-frames stay whole), else the marked raw socket
     * @param reassembly   fragment reassembly limits
     * @throws IOException naming what failed; anything already set up is torn down again
     */
    public static GatewayDaemon start(GatewayConfig config, FilterEngine engine, FlowConfig flows,
                                      ClassificationObserver observer, InjectionPath outboundPath,
                                      ReassemblyConfig reassembly) throws IOException {
        return start(config, engine, flows, observer, outboundPath, reassembly, null);
    }

    /**
     * As above, copying every packet the policy blocks into {@code dropCapture} (null: no capture). The daemon does
     * not close the writer.
     */
    public static GatewayDaemon start(GatewayConfig config, FilterEngine engine, FlowConfig flows,
                                      ClassificationObserver observer, InjectionPath outboundPath,
                                      ReassemblyConfig reassembly, io.calloutd.capture.PacketCaptureWriter dropCapture)
            throws IOException {
        return prepare(config, engine).dropCapture(dropCapture).start(flows, observer, outboundPath, reassembly);
    }

    /** Copies every packet the policy blocks into {@code writer} (null: none); before {@link #start}. */
    public GatewayDaemon dropCapture(io.calloutd.capture.PacketCaptureWriter writer) {
        this.dropCapture = writer;
        return this;
    }

    /**
     * The first half of {@link #start(GatewayConfig, FilterEngine, FlowConfig, ClassificationObserver, InjectionPath,
     * ReassemblyConfig)}: the callout runtime exists (so a policy's callouts can be created and registered with its
     * services) but no device, thread or route does yet. Call {@link #start(FlowConfig, ClassificationObserver,
     * InjectionPath, ReassemblyConfig)} next, or {@link #close()}.
     */
    public static GatewayDaemon prepare(GatewayConfig config, FilterEngine engine) {
        GatewayDaemon d = new GatewayDaemon(config);
        d.engine = engine;
        // Before the packet threads: their classifiers hand flow-context deletes to its registry.
        d.callouts = new CalloutRuntime(engine, d.injectionRouter, CalloutRuntime.Config.defaults());
        return d;
    }

    /** Creates the TUNs, starts the packet threads and installs the routing; on failure everything is torn down. */
    public GatewayDaemon start(FlowConfig flows, ClassificationObserver observer, InjectionPath outboundPath,
                               ReassemblyConfig reassembly) throws IOException {
        try {
            startUp(flows, observer, outboundPath, reassembly);
            return this;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startUp(FlowConfig flows, ClassificationObserver observer, InjectionPath requestedOutboundPath,
                         ReassemblyConfig reassembly) throws IOException {
        boolean vnet = config.vnetHeader();
        outboundTun = TunDevice.create(config.outboundTun(), config.queues(), vnet);
        inboundTun = TunDevice.create(config.inboundTun(), config.queues(), vnet);
        if (vnet) {
            enableOffloads();
        }
        // The raw socket cannot carry a super-frame; a TUN write can, and its packets arrive with iif = the TUN,
        // which no steering rule matches. ICMP errors the firewall originates still leave by the raw socket.
        InjectionPath outboundPath = requestedOutboundPath != null ? requestedOutboundPath
                : vnet ? InjectionPath.RECEIVE : InjectionPath.SEND;
        this.outboundPath = outboundPath;
        InterfaceInfo inside = InterfaceInfo.read(config.inside());
        InterfaceInfo outside = InterfaceInfo.read(config.outside());
        // Outbound packets leave by the outside link; ICMP errors about them go back from our inside address.
        Map<Direction, Egress> egress = Map.of(
                Direction.OUTBOUND, new Egress(outboundPath, outside.mtu(), inside.v4(), inside.v6()),
                Direction.INBOUND, new Egress(InjectionPath.RECEIVE, inside.mtu(), outside.v4(), outside.v6()));
        java.net.NetworkInterface outsideLink = java.net.NetworkInterface.getByName(config.outside());
        int outsideIndex = outsideLink == null ? 0 : outsideLink.getIndex();
        for (int q = 0; q < config.queues(); q++) {
            Reinjector injector = new Reinjector(config.mark());
            injectors.add(injector);
            DropCounters drops = new DropCounters();
            dropCounters.add(drops);
            // Both directions of a flow reach the same queue index (the TUN driver's symmetric flow hash and
            // equal queue counts), so one flow table per packet thread sees the whole flow.
            LayerClassifier classifier = new LayerClassifier(engine, flows, classifierCounters, outsideIndex,
                    callouts.registry());
            classifier.observer(observer);
            classifier.redirects(redirects, redirectCounters);
            // Callouts that clone and reinject need wire-sized packets: super-frames are segmented while any is registered.
            classifier.segmentSuperFrames(callouts.registry()::hasCallouts);
            classifiers.add(classifier);
            io.calloutd.pipeline.VerdictHook hook = dropCapture == null ? classifier
                    : new io.calloutd.capture.DropCapturingHook(classifier, dropCapture);
            PacketPipeline pipeline = new PacketPipeline(hook, injector, drops, counters, egress, reassembly,
                    PooledByteBufAllocator.DEFAULT, vnet);
            pipelines.add(pipeline);
            PacketIoLoop loop = new PacketIoLoop("calloutd-packets-" + q, PooledByteBufAllocator.DEFAULT,
                    vnet ? MAX_VNET_FRAME : MAX_PACKET, READ_BATCH);
            loops.add(loop);
            classifier.injectionOrigin(pipeline);
            pipeline.injectionExecutor(loop::execute);
            classifier.pending(pipeline, loop::execute); // pended packets resume through the pipeline (§5)
            injectionRouter.add(pipeline);
            loop.register(outboundTun.queues().get(q), pipeline.receiverFor(Direction.OUTBOUND));
            loop.register(inboundTun.queues().get(q), pipeline.receiverFor(Direction.INBOUND));
        }
        // Idle flows end on time even when no packet arrives to drive the sweep (it runs on each packet thread).
        expiry = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "calloutd-flow-expiry");
            t.setDaemon(true);
            return t;
        });
        expiry.scheduleWithFixedDelay(() -> {
            for (int q = 0; q < loops.size(); q++) {
                LayerClassifier c = classifiers.get(q);
                loops.get(q).execute(c::expireTick);
            }
        }, 100, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
        routing = GatewayRouting.install(config);
        LOG.info("calloutd gateway running: inside={} outside={} tun={},{} queues={} outbound injection={} offloads={}",
                config.inside(), config.outside(), config.outboundTun(), config.inboundTun(), config.queues(), outboundPath, offloads);
    }

    /**
     * Probes what the kernel accepts and enables the configured subset on both TUNs. Some kernels take USO only
     * as a pair, and kernels have had offload bugs: whatever cannot be set is left off and logged.
     */
    private void enableOffloads() throws NativeException {
        EnumSet<TunOffload> accepted = OffloadProbe.probe(outboundTun);
        EnumSet<TunOffload> wanted = OffloadProbe.effective(config.offloads(), accepted);
        try {
            apply(wanted);
        } catch (NativeException e) {
            LOG.warn("offloads {} refused ({}); retrying without USO", wanted, e.getMessage());
            wanted.remove(TunOffload.USO4);
            wanted.remove(TunOffload.USO6);
            apply(wanted);
        }
        offloads = wanted;
        LOG.info("TUN offloads: kernel accepts {}, configured {}, enabled {}", accepted, config.offloads(), offloads);
    }

    private void apply(EnumSet<TunOffload> wanted) throws NativeException {
        outboundTun.setOffload(TunOffload.flags(wanted));
        inboundTun.setOffload(TunOffload.flags(wanted));
    }

    /** @return the offloads enabled on the TUNs (empty without vnet header) */
    public EnumSet<TunOffload> offloads() {
        return offloads.clone();
    }

    /** @return how permitted outbound packets re-enter the kernel */
    public InjectionPath outboundPath() {
        return outboundPath;
    }

    private io.calloutd.engine.BoundedNetEventSink netEvents;

    /** Remembers the engine's net event ring so that the stats show the latest events. */
    public void netEvents(io.calloutd.engine.BoundedNetEventSink sink) {
        this.netEvents = sink;
    }

    /** @return the engine's net event ring, or null */
    public io.calloutd.engine.BoundedNetEventSink netEvents() {
        return netEvents;
    }

    private volatile java.util.function.Supplier<Map<String, Map<String, Object>>> calloutStatus = Map::of;

    /** Supplies what configured callout instances report (the policy's; set by the run command). */
    public void calloutStatus(java.util.function.Supplier<Map<String, Map<String, Object>>> s) {
        this.calloutStatus = s;
    }

    /** What configured callout instances report, by config id. */
    public Map<String, Map<String, Object>> calloutStatus() {
        return calloutStatus.get();
    }

    /** @return the callout runtime (registry, injection, deferred work, plug-ins) over {@link #engine()} */
    public CalloutRuntime callouts() {
        return callouts;
    }

    /**
     * Loads the callout plug-in jars of {@code dir} (M-38) and logs what loaded and what did not.
     *
     * @throws IOException if the directory cannot be read
     */
    public PluginLoader.Result loadPlugins(Path dir) throws IOException {
        PluginLoader.Result r = callouts.plugins().loadDirectory(dir);
        r.loaded().forEach(p -> LOG.info("plug-in {} {} from {}: {} callout(s)", p.name(), p.version(), p.jar(), p.callouts().size()));
        r.failures().forEach(f -> LOG.warn("plug-in not loaded: {}", f));
        return r;
    }

    /** @return the writer receiving blocked packets, or null */
    public io.calloutd.capture.PacketCaptureWriter dropCapture() {
        return dropCapture;
    }

    /** @return the filter engine */
    public FilterEngine engine() {
        return engine;
    }

    /** @return the per-thread layer classifiers (flow tables) */
    public List<LayerClassifier> classifiers() {
        return classifiers;
    }

    /**
     * Runs {@code task} on the packet thread of queue {@code queue}, between packets (where that thread's flow table
     * and classifier may be read safely).
     */
    public void onPacketThread(int queue, Runnable task) {
        loops.get(queue).execute(task);
    }

    /** @return the classifiers' shared decision counters */
    /** The redirect registry shared by the packet threads (original-destination queries, attached records). */
    public io.calloutd.redirect.RedirectRegistry redirects() {
        return redirects;
    }

    /** What the redirect data path did. */
    public io.calloutd.redirect.RedirectCounters redirectCounters() {
        return redirectCounters;
    }

    public ClassifierCounters classifierCounters() {
        return classifierCounters;
    }

    /** @return the packet accounting */
    public PipelineCounters counters() {
        return counters;
    }

    /** @return per-thread malformed-packet counters */
    public List<DropCounters> dropCounters() {
        return dropCounters;
    }

    /** @return the per-thread pipelines (for reassembly statistics) */
    public List<PacketPipeline> pipelines() {
        return pipelines;
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
        if (expiry != null) {
            expiry.shutdownNow();
        }
        if (callouts != null) {
            callouts.close(); // plug-ins unload and deferred work stops before the packet threads go
        }
        for (PacketIoLoop loop : loops) {
            loop.close();
        }
        loops.clear();
        // After the loops stopped: the reassemblers are only touched by their packet threads.
        for (PacketPipeline pipeline : pipelines) {
            pipeline.close();
        }
        pipelines.clear();
        for (LayerClassifier c : classifiers) {
            c.close(); // ends every flow: ENDPOINT_CLOSURE and flowDelete run once each
        }
        for (Reinjector injector : injectors) {
            injector.close();
        }
        injectors.clear();
        outboundTun = closeQuietly(outboundTun);
        inboundTun = closeQuietly(inboundTun);
    }
}
