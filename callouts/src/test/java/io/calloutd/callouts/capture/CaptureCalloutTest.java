package io.calloutd.callouts.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calloutd.callout.CalloutFactory;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutRuntime;
import io.calloutd.callout.CalloutStatus;
import io.calloutd.classify.ClassifierCounters;
import io.calloutd.classify.LayerClassifier;
import io.calloutd.engine.Condition;
import io.calloutd.engine.Field;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Value;
import io.calloutd.engine.Verdict;
import io.calloutd.flow.FlowConfig;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.pipeline.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc1349Tos;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.UdpPort;

/**
 * The {@code capture} callout on the real classification path: an inspection filter on UDP port 53 copies exactly
 * those packets, whole and unchanged, into a pcapng file that tshark reads; the verdicts stay as they were;
 * parameters are checked with messages naming them.
 */
class CaptureCalloutTest {
    private static final UUID KEY = UUID.fromString("6c1e3c8e-0000-4000-8000-00000000ca97");

    @Test
    void copiesTheMatchedPacketsIntoAFileTsharkReads(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("dns.pcapng");
        CalloutFactory factory = ServiceLoader.load(CalloutFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.type().equals("capture")).findFirst().orElseThrow();
        FilterEngine engine = new FilterEngine();
        CalloutRuntime rt = new CalloutRuntime(engine, p -> CalloutStatus.SUCCESS, CalloutRuntime.Config.defaults());
        CalloutInstance capture = factory.create(Map.of("file", file.toString(), "maxBytes", 1 << 20, "files", 2), rt.services());
        try (rt; capture) {
            rt.registry().register(capture.registration(KEY, "capture-dns"));
            long filterId = engine.addFilter(FilterSpec.builder(Layer.OUTBOUND_TRANSPORT_V4)
                    .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(53)))
                    .callout(FilterAction.CALLOUT_INSPECTION, KEY).build()).id();
            LayerClassifier classifier = new LayerClassifier(engine, FlowConfig.DEFAULTS, new ClassifierCounters(), 0, rt.registry());
            PacketParser parser = new PacketParser();
            ParsedPacket parsed = new ParsedPacket();
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                byte[] raw = udp(40000 + i, i % 2 == 0 ? 53 : 123, "query-" + i);
                if (i % 2 == 0) sent.add(raw);
                ByteBuf b = Unpooled.wrappedBuffer(raw);
                assertThat(parser.parse(b, parsed)).isNull();
                assertThat(classifier.decide(parsed, Direction.OUTBOUND)).isEqualTo(Verdict.PERMIT);
                b.release();
            }
            classifier.close();
            assertThat(((CaptureCallout) capture).writer().awaitWritten(5_000)).isTrue();
            assertThat(capture.status()).containsEntry("written", 5L).containsEntry("dropped", 0L);
            capture.close();

            Process p = new ProcessBuilder("tshark", "-n", "-r", file.toString(), "-T", "fields", "-E", "separator=|",
                    "-e", "frame.comment", "-e", "udp.dstport", "-e", "udp.payload").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(err).isZero();
            assertThat(err.lines().filter(l -> !l.contains("Running as user"))).isEmpty();
            List<String> lines = out.lines().toList();
            assertThat(lines).hasSize(5);
            for (int i = 0; i < 5; i++) {
                String payload = "query-" + (2 * i);
                assertThat(lines.get(i)).isEqualTo("inspected layer=OUTBOUND_TRANSPORT_V4 filter=" + filterId + "|53|"
                        + hex(payload.getBytes(StandardCharsets.US_ASCII)));
            }
        }
    }

    @Test
    void parametersAreCheckedWithTheirNames() {
        CaptureCalloutFactory f = new CaptureCalloutFactory();
        assertThatThrownBy(() -> f.create(Map.of(), null)).hasMessageContaining("file");
        assertThatThrownBy(() -> f.create(Map.of("file", "/tmp/x.pcapng", "maxBytes", 10), null)).hasMessageContaining("maxBytes");
        assertThatThrownBy(() -> f.create(Map.of("file", "/tmp/x.pcapng", "files", 0), null)).hasMessageContaining("files");
        assertThatThrownBy(() -> f.create(Map.of("file", "/tmp/x.pcapng", "colour", "red"), null)).hasMessageContaining("colour");
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) s.append(String.format("%02x", x));
        return s.toString();
    }

    private static byte[] udp(int sp, int dp, String payload) throws Exception {
        Inet4Address s = (Inet4Address) InetAddress.getByName("198.18.1.2");
        Inet4Address d = (Inet4Address) InetAddress.getByName("198.18.2.2");
        UdpPacket.Builder u = new UdpPacket.Builder().srcPort(UdpPort.getInstance((short) sp))
                .dstPort(UdpPort.getInstance((short) dp))
                .payloadBuilder(new UnknownPacket.Builder().rawData(payload.getBytes(StandardCharsets.US_ASCII)))
                .srcAddr(s).dstAddr(d).correctLengthAtBuild(true).correctChecksumAtBuild(true);
        return new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc1349Tos.newInstance((byte) 0))
                .identification((short) 7).ttl((byte) 64).protocol(IpNumber.UDP).srcAddr(s).dstAddr(d).payloadBuilder(u)
                .correctChecksumAtBuild(true).correctLengthAtBuild(true).build().getRawData();
    }
}
