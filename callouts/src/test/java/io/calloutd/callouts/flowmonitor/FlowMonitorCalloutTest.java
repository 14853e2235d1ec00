package io.calloutd.callouts.flowmonitor;

import static io.calloutd.callouts.testkit.Packets.ACK;
import static io.calloutd.callouts.testkit.Packets.PSH;
import static io.calloutd.callouts.testkit.Packets.RST;
import static io.calloutd.callouts.testkit.Packets.SYN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calloutd.callouts.testkit.Packets;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.Layer;
import io.calloutd.testkit.CalloutTestPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The msnmntr-style flow monitor on real packets (§7.4, check 71). */
class FlowMonitorCalloutTest {
    static final String HOST = "198.18.1.2", WEB = "198.18.2.2";
    static final Layer[] LAYERS = {Layer.ALE_FLOW_ESTABLISHED_V4, Layer.STREAM_V4, Layer.DATAGRAM_DATA_V4,
        Layer.INBOUND_TRANSPORT_V4, Layer.OUTBOUND_TRANSPORT_V4};
    static final byte[] REQUEST = "GET /index.html HTTP/1.1\r\nHost: web\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);

    final CalloutTestPath path = CalloutTestPath.create();
    final List<byte[]> out = new ArrayList<>(), in = new ArrayList<>();
    FlowMonitorCallout monitor;

    @TempDir
    Path tmp;

    @AfterEach
    void close() {
        if (monitor != null) monitor.close();
        path.close();
    }

    private void start(Map<String, Object> params) throws Exception {
        monitor = (FlowMonitorCallout) new FlowMonitorFactory().create(params, path.services());
        path.register(monitor, FilterAction.CALLOUT_INSPECTION, LAYERS);
    }

    private void out(byte[] p) {
        out.add(p);
        path.outbound(p);
    }

    private void in(byte[] p) {
        in.add(p);
        path.inbound(p);
    }

    /** An HTTP-like exchange from local port {@code lp} to {@code port}, ended by the client's RST. */
    private void connection(int lp, int port) {
        out(Packets.tcp(HOST, lp, WEB, port, SYN, 1, 0, 0));
        in(Packets.tcp(WEB, port, HOST, lp, SYN | ACK, 100, 2, 0));
        out(Packets.tcp(HOST, lp, WEB, port, ACK, 2, 101, 0));
        out(Packets.tcp(HOST, lp, WEB, port, ACK | PSH, 2, 101, REQUEST));
        in(Packets.tcp(WEB, port, HOST, lp, ACK | PSH, 101, 2 + REQUEST.length, RESPONSE));
        out(Packets.tcp(HOST, lp, WEB, port, RST | ACK, 2 + REQUEST.length, 101 + RESPONSE.length, 0));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> finished() {
        return (List<Map<String, Object>>) monitor.status().get("finishedRecords");
    }

    @Test
    void check71_recordsOnlyTheSelectedServicesFlowsNeverAltersTrafficAndStopsTrackingWhenClosed() throws Exception {
        Path file = tmp.resolve("flows.jsonl");
        start(Map.of("protocol", "tcp", "remotePort", 80, "captureBytes", 16, "file", file.toString()));
        connection(40000, 80);
        connection(40001, 22); // another "application": no record
        out(Packets.udp(HOST, 4000, WEB, 80, new byte[] {1, 2, 3})); // UDP to port 80: not selected either

        assertThat(path.sent()).containsExactlyElementsOf(out); // never altered, dropped or delayed
        assertThat(path.received()).containsExactlyElementsOf(in);
        Map<String, Object> s = monitor.status();
        assertThat(s).containsEntry("tracked", 1L).containsEntry("active", 0L).containsEntry("ended", 1L);
        List<Map<String, Object>> records = finished();
        assertThat(records).hasSize(1);
        Map<String, Object> r = records.get(0);
        assertThat(r).containsEntry("protocol", "tcp").containsEntry("local", HOST + ":40000")
                .containsEntry("remote", WEB + ":80").containsEntry("initiator", "OUTBOUND")
                .containsEntry("bytesOut", (long) REQUEST.length).containsEntry("bytesIn", (long) RESPONSE.length)
                // From FLOW_ESTABLISHED on: ACK, request, RST out; response in (the handshake precedes the record).
                .containsEntry("packetsOut", 3L).containsEntry("packetsIn", 1L)
                .containsEntry("firstTextOut", "GET /index.html ").containsEntry("firstTextIn", "HTTP/1.1 200 OK\r".replace('\r', '.'))
                .containsEntry("end", "RST");
        assertThat(Base64.getDecoder().decode((String) r.get("firstBytesOut")))
                .isEqualTo(java.util.Arrays.copyOf(REQUEST, 16));
        assertThat((Long) r.get("durationMs")).isGreaterThanOrEqualTo(0L);

        // The JSON line in the file says the same.
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1);
        JsonNode j = new ObjectMapper().readTree(lines.get(0));
        assertThat(j.get("remote").asText()).isEqualTo(WEB + ":80");
        assertThat(j.get("bytesOut").asLong()).isEqualTo(REQUEST.length);
        assertThat(j.get("end").asText()).isEqualTo("RST");

        // After the monitor is closed, no new flow is tracked (the msnmntr session ended).
        monitor.close();
        connection(40002, 80);
        assertThat(monitor.status()).containsEntry("tracked", 1L).containsEntry("closed", true);
        assertThat(path.sent()).containsExactlyElementsOf(out);
        assertThat(Files.readAllLines(file)).hasSize(1);
        assertThat(path.counters().unaccounted()).isZero();
    }

    @Test
    void activeFlowsAreVisibleAndClosingFinishesThem() throws Exception {
        start(Map.of("remotePort", 80));
        out(Packets.tcp(HOST, 40010, WEB, 80, SYN, 1, 0, 0));
        in(Packets.tcp(WEB, 80, HOST, 40010, SYN | ACK, 100, 2, 0));
        out(Packets.tcp(HOST, 40010, WEB, 80, ACK | PSH, 2, 101, REQUEST));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> active = (List<Map<String, Object>>) monitor.status().get("activeRecords");
        assertThat(active).hasSize(1);
        assertThat(active.get(0)).containsEntry("end", "ACTIVE").containsEntry("bytesOut", (long) REQUEST.length);
        monitor.close();
        assertThat(finished()).singleElement().satisfies(r -> assertThat(r).containsEntry("end", "MONITOR_CLOSED"));
    }

    @Test
    void udpFlowsAreCountedAtDatagramDataWithTheirFirstBytes() throws Exception {
        start(Map.of("protocol", "udp", "remoteAddress", WEB, "remotePort", 53, "captureBytes", 6));
        out(Packets.udp(HOST, 4000, WEB, 53, "abcd".getBytes(StandardCharsets.US_ASCII)));
        out(Packets.udp(HOST, 4000, WEB, 53, "efgh".getBytes(StandardCharsets.US_ASCII)));
        in(Packets.udp(WEB, 53, HOST, 4000, "reply!!".getBytes(StandardCharsets.US_ASCII)));
        out(Packets.udp(HOST, 4001, "198.18.2.9", 53, new byte[8])); // other server: not selected
        assertThat(path.sent()).containsExactlyElementsOf(out);
        assertThat(path.received()).containsExactlyElementsOf(in);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> active = (List<Map<String, Object>>) monitor.status().get("activeRecords");
        Map<String, Object> byRemote = new HashMap<>(active.get(0));
        assertThat(active).hasSize(1);
        assertThat(byRemote).containsEntry("protocol", "udp").containsEntry("packetsOut", 2L).containsEntry("bytesOut", 8L)
                .containsEntry("packetsIn", 1L).containsEntry("bytesIn", 7L)
                .containsEntry("firstTextOut", "abcdef").containsEntry("firstTextIn", "reply!");
    }

    @Test
    void parametersAreChecked() {
        FlowMonitorFactory f = new FlowMonitorFactory();
        assertThatThrownBy(() -> f.create(Map.of("protocol", "sctp"), path.services())).hasMessageStartingWith("protocol:");
        assertThatThrownBy(() -> f.create(Map.of("remotePort", 0), path.services())).hasMessageStartingWith("remotePort:");
        assertThatThrownBy(() -> f.create(Map.of("captureBytes", 5000), path.services())).hasMessageStartingWith("captureBytes:");
        assertThatThrownBy(() -> f.create(Map.of("file", "/nonexistent-dir/x.jsonl"), path.services()))
                .hasMessageStartingWith("file: directory does not exist");
    }
}
