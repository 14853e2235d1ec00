package io.calloutd.classify;

import io.calloutd.flow.FlowPackets;
import io.calloutd.engine.BoundedNetEventSink;
import io.calloutd.engine.ClassifyResult;
import io.calloutd.engine.EngineConfig;
import io.calloutd.engine.Field;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import io.calloutd.engine.ValueType;
import io.calloutd.flow.CloseReason;
import io.calloutd.flow.Flow;
import io.calloutd.flow.FlowConfig;
import io.calloutd.flow.FlowDeleteListener;
import io.calloutd.fragment.ReassemblyConfig;
import io.calloutd.inject.InjectionPath;
import io.calloutd.packet.DropCounters;
import io.calloutd.pipeline.Direction;
import io.calloutd.pipeline.Egress;
import io.calloutd.pipeline.PacketPipeline;
import io.calloutd.pipeline.PipelineCounters;
import io.calloutd.testkit.RecordingInjector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A classifier behind a real pipeline (parser, reassembler, refragmenter) with a recording injector, a manual
 * clock and a trace of every classification.
 */
final class ClassifierHarness implements AutoCloseable {
    /** The protected host and its peer in the classify tests' packets. */
    static final String HOST = "198.18.1.2", PEER = "198.18.2.2";

    /** A segment of the one TCP connection HOST:40000 → PEER:80 the tests drive, host side. */
    static byte[] tcpOut(int flags, int payload) {
        return FlowPackets.tcp(HOST, 40000, PEER, 80, flags, 1000, flags == FlowPackets.SYN ? 0 : 5001, payload);
    }

    /** A segment of that connection, peer side. */
    static byte[] tcpIn(int flags, int payload) {
        return FlowPackets.tcp(PEER, 80, HOST, 40000, flags, 5000, 1001, payload);
    }

    /** One classification as the observer saw it. */
    record Step(Layer layer, int flags, io.calloutd.engine.Verdict verdict, long direction, long reauthReason,
                Direction packetDirection, long localPort, long filterId) {
        @Override public String toString() { return layer + (flags != 0 ? "[flags=0x" + Integer.toHexString(flags) + "]" : ""); }
    }

    final BoundedNetEventSink events = new BoundedNetEventSink(256);
    final FilterEngine engine = new FilterEngine(EngineConfig.defaults().withNetEvents(events));
    final ClassifierCounters counters = new ClassifierCounters();
    final List<long[]> flowDeletes = new ArrayList<>();
    final List<CloseReason> flowEnds = new ArrayList<>();
    final LayerClassifier classifier;
    final RecordingInjector injector = new RecordingInjector();
    final PipelineCounters pipelineCounters = new PipelineCounters();
    final PacketPipeline pipeline;
    final List<Step> trace = new ArrayList<>();
    long now = 1_000_000_000L;

    ClassifierHarness() {
        this(FlowConfig.DEFAULTS);
    }

    ClassifierHarness(FlowConfig flowConfig) {
        FlowDeleteListener contexts = new FlowDeleteListener() {
            @Override public void flowDelete(Flow flow, int layerId, int calloutId, long context) {
                flowDeletes.add(new long[] {flow.id(), layerId, calloutId, context});
            }

            @Override public void flowEnded(Flow flow, CloseReason reason) {
                flowEnds.add(reason);
            }
        };
        classifier = new LayerClassifier(engine, flowConfig, counters, 7, contexts);
        classifier.clock(() -> now);
        classifier.observer(this::record);
        pipeline = new PacketPipeline(classifier, injector, new DropCounters(), pipelineCounters, Map.of(
                Direction.OUTBOUND, new Egress(InjectionPath.SEND, 1500, null, null),
                Direction.INBOUND, new Egress(InjectionPath.RECEIVE, 1500, null, null)),
                ReassemblyConfig.DEFAULTS, PooledByteBufAllocator.DEFAULT);
    }

    private void record(Layer layer, int flags, IncomingValues in, ClassifyResult r, PacketMetadata meta) {
        io.calloutd.engine.Verdict v = layer.isDiscard() && r.layer() != layer ? r.discardVerdict() : r.verdict();
        trace.add(new Step(layer, flags, v, value(in, Field.DIRECTION), value(in, Field.REAUTHORIZE_REASON),
                meta.packetDirection(), value(in, Field.IP_LOCAL_PORT), r.filterId()));
    }

    private static long value(IncomingValues in, Field f) {
        return in.type(f) == ValueType.EMPTY ? -1 : in.low(f);
    }

    /** A packet from the protected host. */
    void out(byte[] packet) {
        pipeline.receiverFor(Direction.OUTBOUND).onPacket(null, pooled(packet));
    }

    /** A packet to the protected host. */
    void in(byte[] packet) {
        pipeline.receiverFor(Direction.INBOUND).onPacket(null, pooled(packet));
    }

    /** The layers classified since the last call, then forgets them. */
    List<Layer> layers() {
        List<Layer> l = trace.stream().map(Step::layer).toList();
        trace.clear();
        return l;
    }

    /** The steps classified since the last call, then forgets them. */
    List<Step> steps() {
        List<Step> l = List.copyOf(trace);
        trace.clear();
        return l;
    }

    void advanceSeconds(double s) {
        now += (long) (s * 1e9);
    }

    private static ByteBuf pooled(byte[] bytes) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length);
        b.writeBytes(bytes);
        return b;
    }

    @Override
    public void close() {
        pipeline.close();
        classifier.close();
    }
}
