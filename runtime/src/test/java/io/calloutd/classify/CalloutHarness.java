package io.calloutd.classify;

import io.calloutd.callout.AddressFamily;
import io.calloutd.callout.CalloutRegistration;
import io.calloutd.callout.CalloutRuntime;
import io.calloutd.callout.InjectionHandle;
import io.calloutd.callout.RegisteredCallout;
import io.calloutd.engine.Callout;
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
import io.calloutd.testing.RecordingInjector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The daemon's wiring in miniature: a callout runtime over the engine, a layer classifier whose flow table reports
 * to the runtime's registry, and a real pipeline that is the runtime's injection target. The test thread plays the
 * packet thread: tasks other threads hand to it wait in {@link #packetThreadTasks} until {@link #runPacketThreadUntil}.
 */
final class CalloutHarness implements AutoCloseable {
    final java.util.List<io.calloutd.engine.NetEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    final FilterEngine engine = new FilterEngine(EngineConfig.defaults().withNetEvents(events::add));
    final ConcurrentLinkedQueue<Runnable> packetThreadTasks = new ConcurrentLinkedQueue<>();
    final RecordingInjector injector = new RecordingInjector();
    final PipelineCounters counters = new PipelineCounters();
    final CalloutRuntime runtime;
    final LayerClassifier classifier;
    final PacketPipeline pipeline;

    CalloutHarness() {
        InjectionRouter router = new InjectionRouter();
        runtime = new CalloutRuntime(engine, router, CalloutRuntime.Config.defaults());
        classifier = new LayerClassifier(engine, FlowConfig.DEFAULTS, new ClassifierCounters(), 7, runtime.registry());
        pipeline = new PacketPipeline(classifier, injector, new DropCounters(), counters, Map.of(
                Direction.OUTBOUND, new Egress(InjectionPath.SEND, 1500, null, null),
                Direction.INBOUND, new Egress(InjectionPath.RECEIVE, 1500, null, null)),
                ReassemblyConfig.DEFAULTS, PooledByteBufAllocator.DEFAULT);
        classifier.injectionOrigin(pipeline);
        pipeline.injectionExecutor(packetThreadTasks::add);
        classifier.pending(pipeline, packetThreadTasks::add);
        router.add(pipeline);
    }

    InjectionHandle handle(int flags) {
        return runtime.injector().createHandle(AddressFamily.INET, flags);
    }

    /** Registers {@code c} and adds one filter per layer that invokes it. */
    RegisteredCallout callout(Callout c, FilterAction action, Layer... layers) throws Exception {
        UUID key = UUID.randomUUID();
        RegisteredCallout r = runtime.registry().register(CalloutRegistration.builder(key).name("test-" + key).classify(c).build());
        for (Layer l : layers) {
            engine.addFilter(FilterSpec.builder(l).callout(action, key).build());
        }
        return r;
    }

    void out(byte[] packet) {
        pipeline.receiverFor(Direction.OUTBOUND).onPacket(null, pooled(packet));
    }

    void in(byte[] packet) {
        pipeline.receiverFor(Direction.INBOUND).onPacket(null, pooled(packet));
    }

    /** Registers {@code r} and adds one filter with {@code action} per layer that invokes it. */
    RegisteredCallout callout(CalloutRegistration r, FilterAction action, Layer... layers) throws Exception {
        RegisteredCallout reg = runtime.registry().register(r);
        for (Layer l : layers) {
            engine.addFilter(FilterSpec.builder(l).callout(action, r.key()).build());
        }
        return reg;
    }

    /** Runs what other threads handed to the packet thread until {@code done} holds; false on timeout. */
    boolean runPacketThreadUntil(BooleanSupplier done, long timeoutMillis) throws InterruptedException {
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
