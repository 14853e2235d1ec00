package io.calloutd.callouts.lab;

import static io.calloutd.callouts.lab.LabSupport.num;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calloutd.daemon.StatsSnapshot;
import io.calloutd.lab.DaemonProcess;
import io.calloutd.lab.LabTopology;
import io.calloutd.lab.Traffic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The msnmntr-style flow monitor in a real gateway (check 71): only the selected service's TCP flows get records,
 * with the exact bytes each way, the traffic arrives intact, and the finished record is written as a JSON line.
 */
class FlowMonitorLabIT {
    static String policy(Path file) {
        StringBuilder y = new StringBuilder("callouts:\n  - {id: monitor, type: flow-monitor, params: {protocol: tcp, "
                + "remotePort: 5341, captureBytes: 32, sweepMillis: 100, file: " + file + "}}\nfilters:\n");
        for (String layer : new String[] {"ALE_FLOW_ESTABLISHED_V4", "STREAM_V4", "DATAGRAM_DATA_V4", "INBOUND_TRANSPORT_V4", "OUTBOUND_TRANSPORT_V4"}) {
            y.append("  - {id: monitor-").append(layer.toLowerCase()).append(", layer: ").append(layer)
                    .append(", action: CALLOUT_INSPECTION, callout: monitor}\n");
        }
        return y.toString();
    }

    @Test
    void check71_onlyTheSelectedServicesFlowsAreRecordedWithExactByteCountsAndTrafficIntact() throws Exception {
        Path dir = Files.createTempDirectory("calloutd-monitor-");
        Path records = dir.resolve("flows.jsonl");
        try (LabTopology lab = LabTopology.create();
             DaemonProcess daemon = DaemonProcess.startGateway(lab, null, "--config", LabSupport.policy(dir, policy(records)).toString())) {
            Traffic.TcpResult watched = Traffic.tcpDownload(lab.client(), lab.server(), LabTopology.SERVER_V4, 5341, 300_000);
            assertThat(watched.intact()).as("log:\n" + daemon.log()).isTrue();
            Traffic.TcpResult other = Traffic.tcpDownload(lab.client(), lab.server(), LabTopology.SERVER_V4, 5342, 100_000);
            assertThat(other.intact()).isTrue();
            assertThat(Traffic.udpEcho(lab.client(), lab.server(), LabTopology.SERVER_V4, 5341, 10, 100).echoedIntact()).isEqualTo(10);

            Map<String, Object> st = Map.of();
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (System.nanoTime() < deadline) { // the flow ends with the FIN exchange; the sweeper finishes the record
                StatsSnapshot s = daemon.stats();
                st = LabSupport.status(s, "monitor");
                if (num(st, "ended") >= 1 && Files.exists(records) && !Files.readAllLines(records).isEmpty()) break;
                Thread.sleep(200);
            }
            assertThat(num(st, "tracked")).as(st.toString()).isEqualTo(1);
            assertThat(num(st, "ended")).isEqualTo(1);
            List<String> lines = Files.readAllLines(records);
            assertThat(lines).hasSize(1);
            JsonNode r = new ObjectMapper().readTree(lines.get(0));
            assertThat(r.get("protocol").asText()).isEqualTo("tcp");
            assertThat(r.get("remote").asText()).isEqualTo(LabTopology.SERVER_V4 + ":5341");
            assertThat(r.get("local").asText()).startsWith(LabTopology.CLIENT_V4 + ":");
            assertThat(r.get("initiator").asText()).isEqualTo("OUTBOUND");
            // The download's payload came in; retransmissions (rare on veth) would only add to it.
            assertThat(r.get("bytesIn").asLong()).isBetween(watched.bytesReceived(), watched.bytesReceived() + 20_000);
            assertThat(r.get("packetsIn").asLong()).isGreaterThan(300_000 / 65_536);
            assertThat(Base64.getDecoder().decode(r.get("firstBytesIn").asText())).hasSize(32);
            assertThat(r.get("end").asText()).isIn("FIN", "RST");
            assertThat(daemon.stop()).isZero();
        } finally {
            LabSupport.delete(dir);
        }
    }
}
