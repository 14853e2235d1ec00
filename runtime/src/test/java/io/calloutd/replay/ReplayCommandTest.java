package io.calloutd.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calloutd.daemon.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc1349Tos;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.pcap4j.packet.namednumber.EtherType;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpPort;
import org.pcap4j.util.MacAddress;

/**
 * {@code calloutd replay} over an Ethernet capture written by libpcap (frames built by pcap4j): a SYN to a blocked
 * port is blocked at ALE_AUTH_CONNECT by the named filter, the rest of that flow too, an open port's flow is
 * permitted both ways, non-IP frames and packets of neither side are skipped, and the summary counts all of it.
 */
class ReplayCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void verdictsPerPacketAndSummary(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("policy.yaml");
        Files.writeString(config, """
                sublayers:
                  - {id: lab, name: lab, weight: 100}
                filters:
                  - id: block-5301
                    name: block-5301
                    layer: ALE_AUTH_CONNECT_V4
                    sublayer: lab
                    action: BLOCK
                    conditions:
                      - {field: IP_PROTOCOL, value: tcp}
                      - {field: IP_REMOTE_PORT, value: 5301}
                """);
        Path pcap = dir.resolve("cap.pcap");
        try (PcapHandle dead = Pcaps.openDead(DataLinkType.EN10MB, 65535, PcapHandle.TimestampPrecision.NANO)) {
            PcapDumper d = dead.dumpOpen(pcap.toString());
            long t = 1_700_000_000_000L;
            d.dumpRaw(eth(tcp("198.18.1.2", 40000, "198.18.2.2", 5301, true, false)), ts(t));        // 1 BLOCK
            d.dumpRaw(eth(tcp("198.18.1.2", 40000, "198.18.2.2", 5301, true, false)), ts(t + 1000)); // 2 BLOCK (retry)
            d.dumpRaw(eth(tcp("198.18.1.2", 40001, "198.18.2.2", 5303, true, false)), ts(t + 2000)); // 3 PERMIT
            d.dumpRaw(eth(tcp("198.18.2.2", 5303, "198.18.1.2", 40001, true, true)), ts(t + 2001));  // 4 PERMIT (SYN-ACK in)
            d.dumpRaw(arp(), ts(t + 3000));                                                           // 5 not IP
            d.dumpRaw(eth(tcp("198.19.9.1", 1, "198.19.9.2", 2, true, false)), ts(t + 4000));        // 6 no direction
            d.close();
        }
        Path out = dir.resolve("verdicts.jsonl");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(stdout)).setErr(new PrintWriter(stderr)).execute(
                "replay", "--config", config.toString(), "--inside-prefix", "198.18.1.0/24,fd00:1::/64",
                "--out", out.toString(), pcap.toString());
        assertThat(exit).as(stderr.toString()).isZero();
        List<JsonNode> lines = Files.readAllLines(out).stream().map(ReplayCommandTest::json).toList();
        assertThat(lines).hasSize(6);
        assertThat(lines).extracting(n -> n.path("verdict").asText())
                .containsExactly("BLOCK", "BLOCK", "PERMIT", "PERMIT", "SKIPPED_NOT_IP", "SKIPPED_NO_DIRECTION");
        JsonNode first = lines.get(0);
        assertThat(first.path("index").asLong()).isEqualTo(1);
        assertThat(first.path("timeNanos").asLong()).isEqualTo(1_700_000_000_000L * 1_000_000L);
        assertThat(first.path("direction").asText()).isEqualTo("OUTBOUND");
        assertThat(first.path("protocol").asInt()).isEqualTo(6);
        assertThat(first.path("source").asText()).isEqualTo("198.18.1.2");
        assertThat(first.path("sourcePort").asInt()).isEqualTo(40000);
        assertThat(first.path("destination").asText()).isEqualTo("198.18.2.2");
        assertThat(first.path("destinationPort").asInt()).isEqualTo(5301);
        assertThat(first.path("layer").asText()).isEqualTo("ALE_AUTH_CONNECT_V4");
        assertThat(first.path("filterName").asText()).isEqualTo("block-5301");
        assertThat(first.path("filterId").asLong()).isPositive();
        assertThat(lines.get(3).path("direction").asText()).isEqualTo("INBOUND");
        assertThat(lines.get(2).path("filterId").asLong()).isZero();

        JsonNode summary = json(stdout.toString().strip()).path("summary");
        assertThat(summary.path("packets").asLong()).isEqualTo(6);
        assertThat(summary.path("verdicts").path("BLOCK").asLong()).isEqualTo(2);
        assertThat(summary.path("verdicts").path("PERMIT").asLong()).isEqualTo(2);
        assertThat(summary.path("blocksByLayer").path("ALE_AUTH_CONNECT_V4").asLong()).isEqualTo(2);
        assertThat(summary.path("blocksByFilter").path(first.path("filterId").asLong() + ":block-5301").asLong()).isEqualTo(2);
    }

    @Test
    void badInsidePrefixIsAUsageError(@TempDir Path dir) throws Exception {
        StringWriter stderr = new StringWriter();
        int exit = Main.commandLine().setErr(new PrintWriter(stderr)).execute("replay", "--config", "x.yaml",
                "--inside-prefix", "198.18.1.0/33", dir.resolve("none.pcap").toString());
        assertThat(exit).isEqualTo(2);
        assertThat(stderr.toString()).contains("inside prefix '198.18.1.0/33': prefix length must be 0..32");
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(s, e);
        }
    }

    private static Timestamp ts(long millis) {
        return new Timestamp(millis);
    }

    private static byte[] eth(Packet.Builder ip) {
        return new EthernetPacket.Builder().dstAddr(MacAddress.getByName("02:00:00:00:00:02"))
                .srcAddr(MacAddress.getByName("02:00:00:00:00:01")).type(EtherType.IPV4).payloadBuilder(ip)
                .paddingAtBuild(true).build().getRawData();
    }

    private static byte[] arp() {
        byte[] f = new byte[60];
        f[12] = 0x08;
        f[13] = 0x06;
        return f;
    }

    private static Packet.Builder tcp(String src, int sp, String dst, int dp, boolean syn, boolean ack) throws Exception {
        Inet4Address s = (Inet4Address) InetAddress.getByName(src);
        Inet4Address d = (Inet4Address) InetAddress.getByName(dst);
        TcpPacket.Builder t = new TcpPacket.Builder().srcPort(TcpPort.getInstance((short) sp))
                .dstPort(TcpPort.getInstance((short) dp)).sequenceNumber(1000).acknowledgmentNumber(ack ? 2000 : 0)
                .syn(syn).ack(ack).window((short) 8192).srcAddr(s).dstAddr(d)
                .correctLengthAtBuild(true).correctChecksumAtBuild(true).paddingAtBuild(true);
        return new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc1349Tos.newInstance((byte) 0))
                .identification((short) 7).ttl((byte) 64).protocol(IpNumber.TCP).srcAddr(s).dstAddr(d).payloadBuilder(t)
                .correctChecksumAtBuild(true).correctLengthAtBuild(true);
    }

}
