package io.calloutd.callouts.stmedit;

import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutRuntime;
import io.calloutd.classify.ClassifierCounters;
import io.calloutd.classify.LayerClassifier;
import io.calloutd.engine.EngineConfig;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Sublayer;
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
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpPort;

/**
 * The daemon's packet path in miniature for callout tests: engine, callout runtime, layer classifier (with its
 * stream layer), a real pipeline whose kernel writes are recorded; the test thread is the packet thread. A PEER
 * connects to the protected HOST's {@code hostPort}; segments are built and parsed with pcap4j.
 */
final class StreamPath implements AutoCloseable, PacketInjector {
    static final String HOST = "198.18.1.2", PEER = "198.18.2.2";
    static final int PEER_PORT = 50000, PEER_ISN = 7000, HOST_ISN = 3000;
    final FilterEngine engine = new FilterEngine(EngineConfig.defaults());
    final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    final List<byte[]> toHost = new ArrayList<>(), toPeer = new ArrayList<>();
    final CalloutRuntime runtime;
    final LayerClassifier classifier;
    final PacketPipeline pipeline;
    final List<CalloutInstance> instances = new ArrayList<>();

    StreamPath() {
        InjectionRouter router = new InjectionRouter();
        runtime = new CalloutRuntime(engine, router, CalloutRuntime.Config.defaults());
        classifier = new LayerClassifier(engine, FlowConfig.DEFAULTS, new ClassifierCounters(), 3, runtime.registry());
        pipeline = new PacketPipeline(classifier, this, new DropCounters(), new PipelineCounters(), Map.of(
                Direction.OUTBOUND, new Egress(InjectionPath.SEND, 1500, null, null),
                Direction.INBOUND, new Egress(InjectionPath.RECEIVE, 1500, null, null)),
                ReassemblyConfig.DEFAULTS, PooledByteBufAllocator.DEFAULT);
        classifier.injectionOrigin(pipeline);
        pipeline.injectionExecutor(tasks::add);
        router.add(pipeline);
    }

    /** Creates an stmedit instance from {@code params} and adds a STREAM_V4 filter for it in {@code sublayer}. */
    void stmedit(Map<String, Object> params, Sublayer sublayer) throws Exception {
        CalloutInstance c = new StmeditFactory().create(params, runtime.services());
        instances.add(c);
        UUID key = UUID.randomUUID();
        runtime.registry().register(c.registration(key, "stmedit-" + key));
        FilterSpec.Builder b = FilterSpec.builder(Layer.STREAM_V4).callout(FilterAction.CALLOUT_TERMINATING, key);
        if (sublayer != null) b.sublayer(sublayer);
        engine.addFilter(b.build());
    }

    @Override
    public InjectionResult injectReceive(TunQueue queue, ByteBuf packet) {
        toHost.add(ByteBufUtil.getBytes(packet));
        return InjectionResult.INJECTED;
    }

    @Override
    public InjectionResult injectSend(ByteBuf packet, int ipVersion) {
        toPeer.add(ByteBufUtil.getBytes(packet));
        return InjectionResult.INJECTED;
    }

    void in(byte[] p) {
        pipeline.receiverFor(Direction.INBOUND).onPacket(null, PooledByteBufAllocator.DEFAULT.directBuffer(p.length).writeBytes(p));
    }

    void out(byte[] p) {
        pipeline.receiverFor(Direction.OUTBOUND).onPacket(null, PooledByteBufAllocator.DEFAULT.directBuffer(p.length).writeBytes(p));
    }

    /** PEER connects to HOST:hostPort. */
    void connect(int hostPort) {
        in(tcp(PEER, PEER_PORT, HOST, hostPort, TcpFlags.SYN, PEER_ISN, 0, null));
        out(tcp(HOST, hostPort, PEER, PEER_PORT, TcpFlags.SYN | TcpFlags.ACK, HOST_ISN, PEER_ISN + 1, null));
        in(tcp(PEER, PEER_PORT, HOST, hostPort, TcpFlags.ACK, PEER_ISN + 1, HOST_ISN + 1, null));
    }

    /** PEER sends {@code text} at stream offset {@code offset} (FIN after it if {@code fin}). */
    void peerSends(int hostPort, int offset, String text, boolean fin) {
        in(tcp(PEER, PEER_PORT, HOST, hostPort, TcpFlags.ACK | TcpFlags.PSH | (fin ? TcpFlags.FIN : 0),
                PEER_ISN + 1 + offset, HOST_ISN + 1, text));
    }

    boolean runTasksUntil(BooleanSupplier done, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!done.getAsBoolean()) {
            Runnable r = tasks.poll();
            if (r != null) r.run();
            else if (System.currentTimeMillis() > deadline) return false;
            else Thread.sleep(1);
        }
        return true;
    }

    /** What the host's application reads: payloads toward the host in order (each segment's TCP checksum checked). */
    String hostReads() {
        StringBuilder b = new StringBuilder();
        for (byte[] raw : toHost) {
            TcpPacket t = parse(raw);
            if (t.getPayload() != null) b.append(new String(t.getPayload().getRawData(), StandardCharsets.ISO_8859_1));
        }
        return b.toString();
    }

    boolean hostGotFin() {
        return toHost.stream().anyMatch(r -> parse(r).getHeader().getFin());
    }

    static TcpPacket parse(byte[] raw) {
        try {
            IpV4Packet ip = IpV4Packet.newPacket(raw, 0, raw.length);
            TcpPacket t = (TcpPacket) ip.getPayload();
            if (!t.hasValidChecksum(ip.getHeader().getSrcAddr(), ip.getHeader().getDstAddr(), false)) {
                throw new AssertionError("bad TCP checksum (pcap4j)");
            }
            return t;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** TCP flag bits. */
    static final class TcpFlags {
        static final int FIN = 1, SYN = 2, PSH = 8, ACK = 16;
    }

    static byte[] tcp(String src, int sp, String dst, int dp, int flags, int seq, int ack, String payload) {
        try {
            var s = (java.net.Inet4Address) InetAddress.getByName(src);
            var d = (java.net.Inet4Address) InetAddress.getByName(dst);
            byte[] data = payload == null ? new byte[0] : payload.getBytes(StandardCharsets.ISO_8859_1);
            TcpPacket.Builder t = new TcpPacket.Builder().srcPort(TcpPort.getInstance((short) sp))
                    .dstPort(TcpPort.getInstance((short) dp)).sequenceNumber(seq).acknowledgmentNumber(ack)
                    .fin((flags & TcpFlags.FIN) != 0).syn((flags & TcpFlags.SYN) != 0).ack((flags & TcpFlags.ACK) != 0)
                    .psh((flags & TcpFlags.PSH) != 0).window((short) 8192)
                    .payloadBuilder(data.length > 0 ? new UnknownPacket.Builder().rawData(data) : null)
                    .srcAddr(s).dstAddr(d).correctLengthAtBuild(true).correctChecksumAtBuild(true).paddingAtBuild(true);
            return new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc791Tos.newInstance((byte) 0)).ttl((byte) 64)
                    .protocol(IpNumber.TCP).srcAddr(s).dstAddr(d).dontFragmentFlag(true).payloadBuilder(t)
                    .correctLengthAtBuild(true).correctChecksumAtBuild(true).build().getRawData();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        instances.forEach(CalloutInstance::close);
        runtime.close();
        pipeline.close();
        classifier.close();
    }
}
