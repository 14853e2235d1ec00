package io.calloutd.callouts.testkit;

import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutRuntime;
import io.calloutd.callout.CalloutServices;
import io.calloutd.callout.RegisteredCallout;
import io.calloutd.classify.ClassifierCounters;
import io.calloutd.classify.LayerClassifier;
import io.calloutd.engine.Condition;
import io.calloutd.engine.EngineConfig;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.Layer;
import io.calloutd.flow.FlowConfig;
import io.calloutd.fragment.ReassemblyConfig;
import io.calloutd.inject.InjectionPath;
import io.calloutd.packet.DropCounters;
import io.calloutd.pipeline.Direction;
import io.calloutd.pipeline.Egress;
import io.calloutd.pipeline.InjectionRouter;
import io.calloutd.pipeline.PacketPipeline;
import io.calloutd.pipeline.PipelineCounters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The daemon's data path in miniature, for unit tests of the built-in callouts: filter engine, callout runtime,
 * layer classifier (flow table reporting to the registry) and a real pipeline that is the runtime's injection
 * target, writing to a {@link RecordingInjector}. The test thread is the packet thread: work other threads hand it
 * (reinjections from workers) waits in a queue until {@link #runPacketThreadUntil}.
 */
public final class DataPath implements AutoCloseable {
    /** The engine. */
    public final FilterEngine engine = new FilterEngine(EngineConfig.defaults());
    /** What the pipeline wrote. */
    public final RecordingInjector injector = new RecordingInjector();
    /** Pipeline counters. */
    public final PipelineCounters counters = new PipelineCounters();
    /** Classifier counters. */
    public final ClassifierCounters classifierCounters = new ClassifierCounters();
    /** The callout runtime. */
    public final CalloutRuntime runtime;
    /** The classifier. */
    public final LayerClassifier classifier;
    /** The pipeline. */
    public final PacketPipeline pipeline;
    private final ConcurrentLinkedQueue<Runnable> packetThreadTasks = new ConcurrentLinkedQueue<>();

    /** A data path with the default flow configuration. */
    public DataPath() {
        this(FlowConfig.DEFAULTS);
    }

    /** A data path with {@code flows}. */
    public DataPath(FlowConfig flows) {
        InjectionRouter router = new InjectionRouter();
        runtime = new CalloutRuntime(engine, router, CalloutRuntime.Config.defaults());
        classifier = new LayerClassifier(engine, flows, classifierCounters, 7, runtime.registry());
        pipeline = new PacketPipeline(classifier, injector, new DropCounters(), counters, Map.of(
                Direction.OUTBOUND, new Egress(InjectionPath.SEND, 1500, null, null),
                Direction.INBOUND, new Egress(InjectionPath.RECEIVE, 1500, null, null)),
                ReassemblyConfig.DEFAULTS, PooledByteBufAllocator.DEFAULT);
        classifier.injectionOrigin(pipeline);
        pipeline.injectionExecutor(packetThreadTasks::add);
        router.add(pipeline);
    }

    /** Services as the daemon hands them to factories. */
    public CalloutServices services() {
        return runtime.services();
    }

    /** Registers {@code c} under a fresh key and adds one filter per layer with {@code conditions}. */
    public RegisteredCallout register(CalloutInstance c, FilterAction action, Condition[] conditions, Layer... layers) throws Exception {
        UUID key = UUID.randomUUID();
        RegisteredCallout r = runtime.registry().register(c.registration(key, "test-" + key));
        for (Layer l : layers) {
            FilterSpec.Builder b = FilterSpec.builder(l).callout(action, key);
            for (Condition cond : conditions) b.condition(cond);
            engine.addFilter(b.build());
        }
        return r;
    }

    /** Registers {@code c} with unconditioned filters at {@code layers}. */
    public RegisteredCallout register(CalloutInstance c, FilterAction action, Layer... layers) throws Exception {
        return register(c, action, new Condition[0], layers);
    }

    /** A packet from the protected host (read from the TUN). */
    public void out(byte[] packet) {
        pipeline.receiverFor(Direction.OUTBOUND).onPacket(null, pooled(packet));
    }

    /** A packet toward the protected host. */
    public void in(byte[] packet) {
        pipeline.receiverFor(Direction.INBOUND).onPacket(null, pooled(packet));
    }

    /** Runs what other threads handed to the packet thread until {@code done} holds; false on timeout. */
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

    /** Runs queued packet-thread work until none arrives for {@code quietMillis}. */
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

    private static ByteBuf pooled(byte[] bytes) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    }

    @Override
    public void close() {
        runtime.close();
        pipeline.close();
        classifier.close();
    }
}
