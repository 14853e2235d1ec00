package io.calloutd.testkit;

import io.calloutd.callout.AddressFamily;
import io.calloutd.callout.CalloutFactory;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutRegistration;
import io.calloutd.callout.CalloutRuntime;
import io.calloutd.callout.CalloutServices;
import io.calloutd.callout.InjectionHandle;
import io.calloutd.callout.RegisteredCallout;
import io.calloutd.classify.ClassifierCounters;
import io.calloutd.classify.LayerClassifier;
import io.calloutd.engine.Callout;
import io.calloutd.engine.Condition;
import io.calloutd.engine.EngineConfig;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.Layer;
import io.calloutd.engine.NetEvent;
import io.calloutd.engine.NetEventSink;
import io.calloutd.flow.FlowConfig;
import io.calloutd.fragment.ReassemblyConfig;
import io.calloutd.inject.InjectionPath;
import io.calloutd.packet.DropCounters;
import io.calloutd.pipeline.Direction;
import io.calloutd.pipeline.Egress;
import io.calloutd.pipeline.InjectionRouter;
import io.calloutd.pipeline.PacketPipeline;
import io.calloutd.pipeline.PipelineCounters;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The daemon's packet path in miniature, for unit tests of callouts: a {@link FilterEngine}, a {@link CalloutRuntime}
 * over it, a {@link LayerClassifier} whose flow table reports to the runtime's registry (with pending enabled) and a
 * real {@link PacketPipeline} that is the runtime's injection target. Whatever the pipeline would write to the kernel
 * lands in a {@link RecordingInjector}: {@link #sent()} toward the network, {@link #received()} toward the host.
 *
 * <p>The calling thread plays the packet thread: {@link #outbound}/{@link #inbound} classify synchronously, and work
 * other threads hand to the packet thread (reinjections by callout workers, pend completions) waits in a queue until
 * {@link #runPacketThreadUntil} or {@link #drain} runs it. Not thread-safe apart from that queue; one per test.
 *
 * <pre>{@code
 * try (CalloutTestPath path = CalloutTestPath.create()) {
 *     path.register(myCallout, FilterAction.CALLOUT_TERMINATING, Layer.OUTBOUND_TRANSPORT_V4);
 *     path.outbound(udpPacketBytes);
 *     assertEquals(1, path.sent().size());
 * }
 * }</pre>
 */
public final class CalloutTestPath implements AutoCloseable {
    private static final int MTU = 1500;

    private final FilterEngine engine;
    private final CalloutRuntime runtime;
    private final LayerClassifier classifier;
    private final PacketPipeline pipeline;
    private final RecordingInjector injector = new RecordingInjector();
    private final PipelineCounters counters = new PipelineCounters();
    private final ClassifierCounters classifierCounters = new ClassifierCounters();
    private final List<NetEvent> netEvents = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Runnable> packetThreadTasks = new ConcurrentLinkedQueue<>();
    private final Map<UUID, CalloutInstance> instances = new LinkedHashMap<>();

    private CalloutTestPath(Builder b) {
        NetEventSink given = b.engineConfig.netEvents();
        EngineConfig config = b.engineConfig.withNetEvents(new NetEventSink() {
            @Override
            public void onEvent(NetEvent e) { // records every event and still feeds the caller's own sink
                netEvents.add(e);
                if (given.accepts(e.type())) given.onEvent(e);
            }
        });
        if (b.nanoClock != null) {
            java.util.function.LongSupplier nanos = b.nanoClock;
            config = new EngineConfig(config.defaultVerdict(), config.netEvents(), () -> TimeUnit.NANOSECONDS.toMillis(nanos.getAsLong()));
        }
        engine = new FilterEngine(config);
        InjectionRouter router = new InjectionRouter();
        runtime = new CalloutRuntime(engine, router, b.runtimeConfig);
        classifier = new LayerClassifier(engine, b.flowConfig, classifierCounters, b.interfaceIndex, runtime.registry());
        if (b.nanoClock != null) classifier.clock(b.nanoClock);
        pipeline = new PacketPipeline(classifier, injector, new DropCounters(), counters, Map.of(
                Direction.OUTBOUND, new Egress(InjectionPath.SEND, MTU, null, null),
                Direction.INBOUND, new Egress(InjectionPath.RECEIVE, MTU, null, null)),
                ReassemblyConfig.DEFAULTS, PooledByteBufAllocator.DEFAULT);
        classifier.injectionOrigin(pipeline);
        pipeline.injectionExecutor(packetThreadTasks::add);
        if (b.pending) classifier.pending(pipeline, packetThreadTasks::add);
        router.add(pipeline);
    }

    /** A path with every default (see {@link Builder}). */
    public static CalloutTestPath create() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The filter engine: add sublayers and filters of your own here. */
    public FilterEngine engine() { return engine; }

    /** The callout runtime (registry, injector, deferred work). */
    public CalloutRuntime runtime() { return runtime; }

    /** Services as the daemon hands them to {@link CalloutFactory#create}. */
    public CalloutServices services() { return runtime.services(); }

    /** The classifier (flow table, stream layer, pending, redirects, observer). */
    public LayerClassifier classifier() { return classifier; }

    /** The pipeline. */
    public PacketPipeline pipeline() { return pipeline; }

    /** What the pipeline wrote to the "kernel". */
    public RecordingInjector injector() { return injector; }

    /** Shortcut for {@code injector().sent()}: packets written into the send path, oldest first. */
    public List<byte[]> sent() { return injector.sent(); }

    /** Shortcut for {@code injector().received()}: packets written toward the protected host, oldest first. */
    public List<byte[]> received() { return injector.received(); }

    /** The pipeline's counters (drops by verdict, injections, unaccounted packets). */
    public PipelineCounters counters() { return counters; }

    /** The classifier's counters. */
    public ClassifierCounters classifierCounters() { return classifierCounters; }

    /** Every net event the engine reported, oldest first; a live view. */
    public List<NetEvent> netEvents() { return netEvents; }

    /** An injection handle of the runtime's injector for IPv4 with {@code flags}. */
    public InjectionHandle handle(int flags) {
        return handle(AddressFamily.INET, flags);
    }

    /** An injection handle of the runtime's injector for {@code family} with {@code flags}. */
    public InjectionHandle handle(AddressFamily family, int flags) {
        return runtime.injector().createHandle(family, flags);
    }

    /**
     * Registers {@code callout} under a fresh key and adds one unconditioned filter with {@code action} per layer. A
     * {@link CalloutInstance} registers with its own flags, notify and flowDelete, and is closed by {@link #close}.
     */
    public RegisteredCallout register(Callout callout, FilterAction action, Layer... layers) throws Exception {
        return register(callout, action, new Condition[0], layers);
    }

    /** As {@link #register(Callout, FilterAction, Layer...)}, each filter carrying {@code conditions}. */
    public RegisteredCallout register(Callout callout, FilterAction action, Condition[] conditions, Layer... layers)
            throws Exception {
        UUID key = UUID.randomUUID();
        CalloutRegistration r;
        if (callout instanceof CalloutInstance i) {
            instances.put(key, i);
            r = i.registration(key, "test-" + key);
        } else {
            r = CalloutRegistration.builder(key).name("test-" + key).classify(callout).build();
        }
        RegisteredCallout reg = runtime.registry().register(r);
        for (Layer l : layers) {
            filter(l, action, key, f -> {
                for (Condition c : conditions) f.condition(c);
            });
        }
        return reg;
    }

    /** Registers {@code registration} and adds one unconditioned filter with {@code action} per layer. */
    public RegisteredCallout register(CalloutRegistration registration, FilterAction action, Layer... layers)
            throws Exception {
        RegisteredCallout reg = runtime.registry().register(registration);
        for (Layer l : layers) {
            filter(l, action, registration.key(), f -> { });
        }
        return reg;
    }

    /**
     * Creates an instance of {@code factory} from {@code params} (as a policy file would), registers it under a
     * fresh key and returns the key; add its filters with {@link #filter}. The instance is closed by {@link #close}.
     */
    public UUID register(CalloutFactory factory, Map<String, Object> params) throws Exception {
        CalloutInstance i = factory.create(params, runtime.services());
        UUID key = UUID.randomUUID();
        instances.put(key, i);
        runtime.registry().register(i.registration(key, factory.type() + "-" + key));
        return key;
    }

    /** The instance registered under {@code key} by this path, or null. */
    public CalloutInstance instance(UUID key) {
        return instances.get(key);
    }

    /** Adds a filter at {@code layer} that calls callout {@code key}; {@code spec} adds conditions, sublayer, weight. */
    public void filter(Layer layer, FilterAction action, UUID key, Consumer<FilterSpec.Builder> spec) throws Exception {
        FilterSpec.Builder b = FilterSpec.builder(layer).callout(action, key);
        spec.accept(b);
        engine.addFilter(b.build());
    }

    /** A packet the protected host sends (read from the TUN): classified now, on this thread. */
    public void outbound(byte[] packet) {
        pipeline.receiverFor(Direction.OUTBOUND).onPacket(null, pooled(packet));
    }

    /** A packet toward the protected host: classified now, on this thread. */
    public void inbound(byte[] packet) {
        pipeline.receiverFor(Direction.INBOUND).onPacket(null, pooled(packet));
    }

    /** Runs work other threads handed to the packet thread until {@code done} holds; false on timeout. */
    public boolean runPacketThreadUntil(BooleanSupplier done, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!done.getAsBoolean()) {
            Runnable r = packetThreadTasks.poll();
            if (r != null) {
                r.run();
            } else if (System.nanoTime() > deadline) {
                return false;
            } else {
                Thread.sleep(1);
            }
        }
        return true;
    }

    /** Runs packet-thread work until none arrives for {@code quietMillis} (e.g. to prove nothing more comes). */
    public void drain(long quietMillis) throws InterruptedException {
        long last = System.nanoTime();
        while (System.nanoTime() - last < TimeUnit.MILLISECONDS.toNanos(quietMillis)) {
            Runnable r = packetThreadTasks.poll();
            if (r != null) {
                r.run();
                last = System.nanoTime();
            } else {
                Thread.sleep(1);
            }
        }
    }

    private static io.netty.buffer.ByteBuf pooled(byte[] bytes) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    }

    /**
     * Ends every flow (flowDelete reaches still-open callouts), closes the instances this path created, stops the
     * runtime's deferred work and closes the pipeline. Idempotent enough to follow a test's own
     * {@code classifier().close()}.
     */
    @Override
    public void close() {
        classifier.close();
        for (CalloutInstance i : instances.values()) {
            i.close();
        }
        runtime.close();
        pipeline.close();
    }

    /** Options for a {@link CalloutTestPath}; every one has the daemon's default. */
    public static final class Builder {
        private EngineConfig engineConfig = EngineConfig.defaults();
        private FlowConfig flowConfig = FlowConfig.DEFAULTS;
        private CalloutRuntime.Config runtimeConfig = CalloutRuntime.Config.defaults();
        private java.util.function.LongSupplier nanoClock;
        private int interfaceIndex = 7;
        private boolean pending = true;

        private Builder() { }

        /** Engine options (default verdict, net-event sink, clock); events are recorded in addition. */
        public Builder engineConfig(EngineConfig c) { this.engineConfig = java.util.Objects.requireNonNull(c); return this; }

        /** Flow table limits and timeouts. */
        public Builder flowConfig(FlowConfig c) { this.flowConfig = java.util.Objects.requireNonNull(c); return this; }

        /** Runtime options (classify budget, deferred-work threads and queue). */
        public Builder runtimeConfig(CalloutRuntime.Config c) { this.runtimeConfig = java.util.Objects.requireNonNull(c); return this; }

        /**
         * A monotonic nanosecond clock for flow timeouts, pend timeouts and net-event timestamps, so a test can move
         * time forward without sleeping. Default: the system clocks.
         */
        public Builder clock(java.util.function.LongSupplier nanos) { this.nanoClock = java.util.Objects.requireNonNull(nanos); return this; }

        /** The interface index the classifier reports (INTERFACE_INDEX, IP_LOCAL_INTERFACE); default 7. */
        public Builder interfaceIndex(int ifindex) { this.interfaceIndex = ifindex; return this; }

        /** Whether callouts may pend (§5); default true, as in the daemon. Off: they get TCPIP_NOT_READY. */
        public Builder pending(boolean enabled) { this.pending = enabled; return this; }

        /** The wired path. */
        public CalloutTestPath build() {
            return new CalloutTestPath(this);
        }
    }
}
