package io.calloutd.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.calloutd.classify.LayerTraceWriter.Line;
import io.calloutd.daemon.StatsSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The order in which real TCP connections, UDP exchanges and pings cross the layers (§1.7, checks 48–50), read
 * from the daemon's layer trace while real kernels on both sides talk through it.
 */
class LayerOrderLabIT {
    private static final Path JAR = Path.of(System.getProperty("calloutd.jar", "runtime/target/calloutd.jar"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void tcpUdpAndIcmpCrossTheLayersInWfpOrder() throws Exception {
        Path trace = Files.createTempFile("calloutd-trace", ".jsonl");
        try (LabTopology lab = LabTopology.create()) {
            try (DaemonProcess daemon = DaemonProcess.startGateway(lab, JAR, "--trace-layers", trace.toString())) {
                Traffic.TcpResult out = Traffic.tcpDownload(lab.client(), lab.server(), LabTopology.SERVER_V4, 5101, 200_000);
                assertThat(out.intact()).isTrue();
                Traffic.TcpResult in = Traffic.tcpDownload(lab.server(), lab.client(), LabTopology.CLIENT_V4, 5102, 50_000);
                assertThat(in.intact()).isTrue();
                assertThat(Traffic.udpEcho(lab.client(), lab.server(), LabTopology.SERVER_V4, 5103, 2, 100).echoedIntact()).isEqualTo(2);
                assertThat(Traffic.udpEcho(lab.client(), lab.server(), LabTopology.SERVER_V6, 5104, 2, 100).echoedIntact()).isEqualTo(2);
                assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V4, 1, 56)).isEqualTo(1);
                Thread.sleep(600);
                StatsSnapshot s = daemon.stats();
                assertThat(s.classifier().get("authorizations")).isGreaterThanOrEqualTo(5);
                assertThat(s.layers()).containsKeys("ALE_AUTH_CONNECT_V4", "ALE_AUTH_RECV_ACCEPT_V4", "STREAM_V4",
                        "DATAGRAM_DATA_V6", "INBOUND_IPPACKET_V4", "OUTBOUND_IPPACKET_V4");
                assertThat(daemon.stop()).isZero();
            }
            List<Line> lines = new ArrayList<>();
            for (String l : Files.readAllLines(trace)) {
                lines.add(JSON.readValue(l, Line.class));
            }

            // Outbound TCP connect (check 48): the handshake, then data in to the protected client.
            List<String> tcpOut = layers(lines, l -> l.protocol() == 6 && l.remotePort() == 5101);
            assertThat(tcpOut.subList(0, 10)).containsExactly("ALE_BIND_REDIRECT_V4", "ALE_CONNECT_REDIRECT_V4",
                    "ALE_AUTH_CONNECT_V4", "OUTBOUND_TRANSPORT_V4", "OUTBOUND_IPPACKET_V4", // SYN
                    "INBOUND_IPPACKET_V4", "INBOUND_TRANSPORT_V4", "ALE_FLOW_ESTABLISHED_V4", // SYN-ACK
                    "OUTBOUND_TRANSPORT_V4", "OUTBOUND_IPPACKET_V4"); // ACK
            assertThat(String.join(" ", tcpOut)).contains("INBOUND_IPPACKET_V4 INBOUND_TRANSPORT_V4 STREAM_V4");
            assertThat(tcpOut).filteredOn("ALE_AUTH_CONNECT_V4"::equals).hasSize(1);
            assertThat(tcpOut).filteredOn("ALE_ENDPOINT_CLOSURE_V4"::equals).hasSize(1);

            // Inbound TCP connection to a listener behind the gateway (check 49).
            List<String> tcpIn = layers(lines, l -> l.protocol() == 6 && l.localPort() == 5102);
            assertThat(tcpIn.subList(0, 8)).containsExactly(
                    "INBOUND_IPPACKET_V4", "INBOUND_TRANSPORT_V4", "ALE_AUTH_RECV_ACCEPT_V4", // SYN
                    "OUTBOUND_TRANSPORT_V4", "OUTBOUND_IPPACKET_V4", // SYN-ACK
                    "INBOUND_IPPACKET_V4", "INBOUND_TRANSPORT_V4", "ALE_FLOW_ESTABLISHED_V4"); // ACK

            // UDP: the first datagram authorizes and establishes, the next goes straight to DATAGRAM_DATA (check 50).
            for (String v : new String[] {"V4", "V6"}) {
                int port = v.equals("V4") ? 5103 : 5104;
                List<String> udp = layers(lines, l -> l.protocol() == 17 && l.remotePort() == port);
                assertThat(udp.subList(0, 10)).containsExactly("ALE_BIND_REDIRECT_" + v, "ALE_CONNECT_REDIRECT_" + v,
                        "ALE_AUTH_CONNECT_" + v, "ALE_FLOW_ESTABLISHED_" + v, "DATAGRAM_DATA_" + v,
                        "OUTBOUND_TRANSPORT_" + v, "OUTBOUND_IPPACKET_" + v,
                        "INBOUND_IPPACKET_" + v, "INBOUND_TRANSPORT_" + v, "DATAGRAM_DATA_" + v);
                assertThat(udp).filteredOn(("ALE_AUTH_CONNECT_" + v)::equals).hasSize(1);
            }

            // An echo request and its reply (ICMP type 8 in the local-port slot, code 0 in the remote one).
            List<String> ping = layers(lines, l -> l.protocol() == 1 && (l.localPort() == 8 || l.localPort() == 0));
            assertThat(ping).containsSubsequence("ALE_AUTH_CONNECT_V4", "ALE_FLOW_ESTABLISHED_V4", "DATAGRAM_DATA_V4",
                    "OUTBOUND_TRANSPORT_V4", "OUTBOUND_IPPACKET_V4", "INBOUND_IPPACKET_V4", "INBOUND_TRANSPORT_V4",
                    "DATAGRAM_DATA_V4");
        } finally {
            Files.deleteIfExists(trace);
        }
    }

    @Test
    void withTwoQueuesBothDirectionsOfEveryFlowMeetOnOneThread() throws Exception {
        Path trace = Files.createTempFile("calloutd-trace", ".jsonl");
        try (LabTopology lab = LabTopology.create();
             DaemonProcess daemon = DaemonProcess.startGateway(lab, JAR, "--queues", "2", "--trace-layers", trace.toString())) {
            int flows = 0;
            for (int port = 5200; port < 5208; port++) {
                assertThat(Traffic.tcpDownload(lab.client(), lab.server(), LabTopology.SERVER_V4, port, 20_000).intact()).isTrue();
                assertThat(Traffic.udpEcho(lab.client(), lab.server(), LabTopology.SERVER_V4, port, 2, 64).echoedIntact()).isEqualTo(2);
                flows += 2;
            }
            Thread.sleep(600);
            StatsSnapshot s = daemon.stats();
            List<Line> auth = new ArrayList<>();
            for (String l : Files.readAllLines(trace)) {
                Line line = JSON.readValue(l, Line.class);
                if (line.layer().startsWith("ALE_AUTH_") && line.layer().endsWith("V4")) auth.add(line);
            }
            // A reply landing on the other thread would find no flow there: a TCP segment "mid-stream", or a
            // second authorization of the same UDP exchange.
            assertThat(s.classifier().get("flowsMidStream")).isZero();
            // (IPv6 link-local MLD reports may add flows of their own: count the lab's IPv4 flows.)
            assertThat(auth).as("one authorization per flow").hasSize(flows);
            assertThat(auth).allSatisfy(l -> assertThat(l.layer()).isEqualTo("ALE_AUTH_CONNECT_V4"));
            assertThat(s.classifier().get("authorizations")).isEqualTo(s.classifier().get("flowsCreated"));
            assertThat(daemon.stop()).isZero();
        } finally {
            Files.deleteIfExists(trace);
        }
    }

    private static List<String> layers(List<Line> lines, Predicate<Line> which) {
        return lines.stream().filter(which).map(Line::layer).toList();
    }
}
