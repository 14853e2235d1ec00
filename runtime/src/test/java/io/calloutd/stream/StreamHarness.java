package io.calloutd.stream;

import io.calloutd.callout.CalloutRegistration;
import io.calloutd.callout.CalloutRuntime;
import io.calloutd.classify.ClassifierCounters;
import io.calloutd.classify.LayerClassifier;
import io.calloutd.engine.Callout;
import io.calloutd.engine.EngineConfig;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Sublayer;
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
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The daemon's wiring in miniature for stream tests: engine, callout runtime, a layer classifier (with its stream
 * layer) and a real pipeline writing into a {@link RecordingInjector}: inbound packets (toward the host) land in
 * {@code injector.received}, outbound ones in {@code injector.sent}. The test thread is the packet thread.
 */
final class StreamHarness implements AutoCloseable {
    final FilterEngine engine = new FilterEngine(EngineConfig.defaults());
    final ConcurrentLinkedQueue<Runnable> packetThreadTasks = new ConcurrentLinkedQueue<>();
    final RecordingInjector injector = new RecordingInjector();
    final PipelineCounters counters = new PipelineCounters();
    final CalloutRuntime runtime;
    final LayerClassifier classifier;
    final PacketPipeline pipeline;

    StreamHarness() {
        InjectionRouter router = new InjectionRouter();
        runtime = new CalloutRuntime(engine, router, CalloutRuntime.Config.defaults());
        classifier = new LayerClassifier(engine, FlowConfig.DEFAULTS, new ClassifierCounters(), 7, runtime.registry());
        pipeline = new PacketPipeline(classifier, injector, new DropCounters(), counters, Map.of(
                Direction.OUTBOUND, new Egress(InjectionPath.SEND, 1500, null, null),
                Direction.INBOUND, new Egress(InjectionPath.RECEIVE, 1500, null, null)),
                ReassemblyConfig.DEFAULTS, PooledByteBufAllocator.DEFAULT);
        classifier.injectionOrigin(pipeline);
        pipeline.injectionExecutor(packetThreadTasks::add);
        router.add(pipeline);
    }

    StreamLayer stream() {
        return classifier.stream();
    }

    StreamCounters streamCounters() {
        return classifier.stream().counters();
    }

    /** Registers {@code c} and adds a STREAM_V4 filter invoking it in {@code sublayer}; returns the callout key. */
    UUID streamCallout(Callout c, FilterAction action, Sublayer sublayer) throws Exception {
        UUID key = UUID.randomUUID();
        runtime.registry().register(CalloutRegistration.builder(key).name("stream-" + key).classify(c).build());
        FilterSpec.Builder b = FilterSpec.builder(Layer.STREAM_V4).callout(action, key);
        if (sublayer != null) b.sublayer(sublayer.key());
        engine.addFilter(b.build());
        return key;
    }

    Sublayer sublayer(String name, int weight) throws Exception {
        return engine.addSublayer(Sublayer.of(name, weight));
    }

    void out(byte[] packet) {
        pipeline.receiverFor(Direction.OUTBOUND).onPacket(null, PooledByteBufAllocator.DEFAULT.directBuffer(packet.length).writeBytes(packet));
    }

    void in(byte[] packet) {
        pipeline.receiverFor(Direction.INBOUND).onPacket(null, PooledByteBufAllocator.DEFAULT.directBuffer(packet.length).writeBytes(packet));
    }

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

    @Override
    public void close() {
        runtime.close();
        pipeline.close();
        classifier.close();
    }
}
