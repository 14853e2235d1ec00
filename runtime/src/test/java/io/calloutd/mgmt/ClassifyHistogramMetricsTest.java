package io.calloutd.mgmt;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.callout.CalloutRegistration;
import io.calloutd.callout.CalloutRuntime;
import io.calloutd.callout.CalloutStatus;
import io.calloutd.callout.RegisteredCallout;
import io.calloutd.classify.ClassifierCounters;
import io.calloutd.classify.LayerClassifier;
import io.calloutd.engine.Condition;
import io.calloutd.engine.EngineCounters;
import io.calloutd.engine.Field;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Value;
import io.calloutd.flow.FlowConfig;
import io.calloutd.metrics.LayerTimings;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.pipeline.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc1349Tos;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.UdpPort;

/**
 * /metrics carries classify-time histograms: per layer (every classification timed here, so the counts equal the
 * engine's classification counters) and per callout (equal to its invocations), cumulative buckets ending at +Inf.
 */
class ClassifyHistogramMetricsTest {
    private static final UUID KEY = UUID.fromString("0d5e0000-0000-4000-8000-00000000f00d");

    @Test
    void histogramsPerLayerAndPerCallout() throws Exception {
        NetEventHub hub = new NetEventHub(8, 10_000);
        FilterEngine engine = new FilterEngine();
        CalloutRuntime rt = new CalloutRuntime(engine, p -> CalloutStatus.SUCCESS, CalloutRuntime.Config.defaults());
        RegisteredCallout callout = rt.registry().register(CalloutRegistration.builder(KEY).name("count \"it\"")
                .classify((in, ctx, f, out) -> { }).build());
        engine.addFilter(FilterSpec.builder(Layer.OUTBOUND_TRANSPORT_V4)
                .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(53)))
                .callout(FilterAction.CALLOUT_INSPECTION, KEY).build());
        LayerTimings timings = new LayerTimings(1);
        LayerClassifier classifier = new LayerClassifier(engine, FlowConfig.DEFAULTS, new ClassifierCounters(), 0, rt.registry());
        classifier.timings(timings);
        PacketParser parser = new PacketParser();
        ParsedPacket parsed = new ParsedPacket();
        for (int i = 0; i < 40; i++) {
            ByteBuf b = Unpooled.wrappedBuffer(udp(30000 + i % 4, i % 2 == 0 ? 53 : 123));
            assertThat(parser.parse(b, parsed)).isNull();
            classifier.decide(parsed, Direction.OUTBOUND);
            b.release();
        }
        try (MetricsExporter m = new MetricsExporter(engine, hub, 0)) {
            m.layerTimings(timings);
            m.callouts(rt.registry());
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + m.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(body).contains("# TYPE calloutd_layer_classify_seconds histogram\n",
                    "# TYPE calloutd_callout_classify_seconds histogram\n");
            for (Layer l : List.of(Layer.OUTBOUND_TRANSPORT_V4, Layer.OUTBOUND_IPPACKET_V4, Layer.ALE_AUTH_CONNECT_V4,
                    Layer.DATAGRAM_DATA_V4)) {
                long classified = engine.counters().get(l, EngineCounters.Kind.CLASSIFICATIONS);
                assertThat(classified).as(l.name()).isPositive();
                assertHistogram(body, "calloutd_layer_classify_seconds", "layer=\"" + l.name() + "\"", classified);
            }
            assertThat(callout.timing().invocations()).isEqualTo(20);
            assertHistogram(body, "calloutd_callout_classify_seconds",
                    "callout_id=\"" + callout.id() + "\",name=\"count \\\"it\\\"\"", 20);
        } finally {
            classifier.close();
            rt.close();
            hub.close();
        }
    }

    /** Buckets present, cumulative, +Inf = _count = expected, _sum positive. */
    private static void assertHistogram(String body, String name, String labels, long expected) {
        Matcher m = Pattern.compile(Pattern.quote(name + "_bucket{" + labels + ",le=\"") + "([^\"]+)\"\\} (\\d+)\\n").matcher(body);
        List<Long> cumulative = new ArrayList<>();
        String lastLe = null;
        while (m.find()) {
            cumulative.add(Long.parseLong(m.group(2)));
            lastLe = m.group(1);
        }
        assertThat(cumulative).as(name + labels).hasSize(14);
        assertThat(lastLe).isEqualTo("+Inf");
        assertThat(cumulative).isSorted();
        assertThat(cumulative.get(cumulative.size() - 1)).isEqualTo(expected);
        assertThat(body).contains(name + "_count{" + labels + "} " + expected + "\n");
        Matcher sum = Pattern.compile(Pattern.quote(name + "_sum{" + labels + "} ") + "([0-9.E-]+)\\n").matcher(body);
        assertThat(sum.find()).isTrue();
        assertThat(Double.parseDouble(sum.group(1))).isPositive();
    }

    private static byte[] udp(int sp, int dp) throws Exception {
        Inet4Address s = (Inet4Address) InetAddress.getByName("198.18.1.2");
        Inet4Address d = (Inet4Address) InetAddress.getByName("198.18.2.2");
        UdpPacket.Builder u = new UdpPacket.Builder().srcPort(UdpPort.getInstance((short) sp))
                .dstPort(UdpPort.getInstance((short) dp)).payloadBuilder(new UnknownPacket.Builder().rawData(new byte[8]))
                .srcAddr(s).dstAddr(d).correctLengthAtBuild(true).correctChecksumAtBuild(true);
        return new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc1349Tos.newInstance((byte) 0))
                .identification((short) 7).ttl((byte) 64).protocol(IpNumber.UDP).srcAddr(s).dstAddr(d).payloadBuilder(u)
                .correctChecksumAtBuild(true).correctLengthAtBuild(true).build().getRawData();
    }
}
