package io.calloutd.callouts;

import io.calloutd.callout.CalloutFactory;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutRuntime;
import io.calloutd.classify.ClassifierCounters;
import io.calloutd.classify.LayerClassifier;
import io.calloutd.engine.EngineConfig;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.Layer;
import io.calloutd.flow.FlowConfig;
import io.calloutd.fragment.ReassemblyConfig;
import io.calloutd.inject.InjectionPath;
import io.calloutd.inject.InjectionResult;
import io.calloutd.inject.PacketInjector;
import io.calloutd.nativebridge.TunQueue;
import io.calloutd.packet.DropCounters;
import io.calloutd.pipeline.Direction;
import io.calloutd.pipeline.Egress;
import io.calloutd.pipeline.InjectionRouter;
import io.calloutd.pipeline.PacketPipeline;
import io.calloutd.pipeline.PipelineCounters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The daemon's wiring in miniature for callout-library tests: engine, callout runtime, a layer classifier whose flow
 * table reports to the registry, and a real pipeline whose kernel writes are recorded ({@link #sent} toward the
 * outside, {@link #received} toward the protected host). The test thread is the packet thread.
 */
public final class DataPathHarness implements AutoCloseable {
    public final FilterEngine engine = new FilterEngine(EngineConfig.defaults());
    public final ConcurrentLinkedQueue<Runnable> packetThreadTasks = new ConcurrentLinkedQueue<>();
    public final List<byte[]> sent = Collections.synchronizedList(new ArrayList<>());
    public final List<byte[]> received = Collections.synchronizedList(new ArrayList<>());
    /** Every classification: layer name plus FLAGS, in order. */
    public final List<Layer> layers = new ArrayList<>();
    public final PipelineCounters counters = new PipelineCounters();
    public final CalloutRuntime runtime;
    public final LayerClassifier classifier;
    public final PacketPipeline pipeline;
    private final Map<UUID, CalloutInstance> instances = new java.util.LinkedHashMap<>();

    public DataPathHarness() {
        InjectionRouter router = new InjectionRouter();
        runtime = new CalloutRuntime(engine, router, CalloutRuntime.Config.defaults());
        classifier = new LayerClassifier(engine, FlowConfig.DEFAULTS, new ClassifierCounters(), 7, runtime.registry());
        classifier.observer((layer, flags, in, result, meta) -> layers.add(layer));
        PacketInjector kernel = new PacketInjector() {
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
        };
        pipeline = new PacketPipeline(classifier, kernel, new DropCounters(), counters, Map.of(
                Direction.OUTBOUND, new Egress(InjectionPath.SEND, 1500, null, null),
                Direction.INBOUND, new Egress(InjectionPath.RECEIVE, 1500, null, null)),
                ReassemblyConfig.DEFAULTS, PooledByteBufAllocator.DEFAULT);
        classifier.injectionOrigin(pipeline);
        pipeline.injectionExecutor(packetThreadTasks::add);
        router.add(pipeline);
    }

    /** Creates an instance of {@code factory} with {@code params}, registers it and returns its key. */
    public UUID register(CalloutFactory factory, Map<String, Object> params) throws Exception {
        CalloutInstance i = factory.create(params, runtime.services());
        UUID key = UUID.randomUUID();
        instances.put(key, i);
        runtime.registry().register(i.registration(key, factory.type() + "-" + key));
        return key;
    }

    /** The instance registered under {@code key}. */
    public CalloutInstance instance(UUID key) {
        return instances.get(key);
    }

    /** Adds a filter at {@code layer} calling {@code key}; {@code conditions} adds the filter's conditions. */
    public void filter(Layer layer, FilterAction action, UUID key, Consumer<FilterSpec.Builder> conditions) throws Exception {
        FilterSpec.Builder b = FilterSpec.builder(layer).callout(action, key);
        conditions.accept(b);
        engine.addFilter(b.build());
    }

    public void out(byte[] packet) {
        pipeline.receiverFor(Direction.OUTBOUND).onPacket(null, pooled(packet));
    }

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

    private static ByteBuf pooled(byte[] bytes) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    }

    @Override
    public void close() {
        classifier.close();
        for (CalloutInstance i : instances.values()) {
            i.close();
        }
        runtime.close();
        pipeline.close();
    }
}
