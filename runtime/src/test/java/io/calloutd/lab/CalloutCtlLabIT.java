package io.calloutd.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calloutd.nativebridge.NetNs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Every calloutctl command against a running gateway: filters list/add/delete, sublayers and callouts list, counters,
 * flows (a live TCP connection with its tuple, state and counts; an idle UDP flow ending on time without further
 * packets), events --follow (a drop as it happens), trace (the layer path of a UDP packet), reload; and the
 * Prometheus endpoint with classify-time histograms.
 */
class CalloutCtlLabIT {
    @Test
    void calloutctlCommandsAgainstARunningDaemon() throws Exception {
        Path dir = Files.createTempDirectory("calloutd-ctl-");
        Path socket = dir.resolve("api.sock");
        Path config = dir.resolve("policy.yaml");
        String policy = """
                mode: gateway
                api: {socket: %s, stateDir: %s}
                metrics: {port: 19464, classifySampleEvery: 1}
                limits: {udpIdleSeconds: 3}
                sublayers:
                  - {id: lab, name: lab policy, weight: 100}
                filters:
                  - id: block-5301
                    name: block-5301
                    layer: ALE_AUTH_CONNECT_V4
                    sublayer: lab
                    action: BLOCK
                    conditions:
                      - {field: IP_PROTOCOL, value: tcp}
                      - {field: IP_REMOTE_PORT, value: 5301}
                """.formatted(socket, dir.resolve("state"));
        Files.writeString(config, policy);
        try (LabTopology lab = LabTopology.create();
             DaemonProcess daemon = DaemonProcess.startGateway(lab, LabOps.JAR, "--config", config.toString())) {
            // filters / sublayers / callouts
            long blockId = LabOps.idOf(LabOps.ctl(socket, "filters", "list"), "block-5301");
            assertThat(LabOps.ctl(socket, "sublayers", "list").toString()).contains("lab policy");
            assertThat(LabOps.ctl(socket, "callouts", "list").isArray()).isTrue();
            long added = LabOps.ctl(socket, "filters", "add", "--layer", "ALE_AUTH_CONNECT_V4", "--action", "BLOCK",
                    "--name", "block-5305", "-c", "IP_PROTOCOL=tcp", "-c", "IP_REMOTE_PORT=5305").path("id").asLong();
            assertThat(LabOps.connects(lab.client(), lab.server(), LabTopology.SERVER_V4, 5305)).isFalse();
            LabOps.ctl(socket, "filters", "delete", Long.toString(added));
            assertThat(LabOps.connects(lab.client(), lab.server(), LabTopology.SERVER_V4, 5305)).isTrue();

            // events --follow sees a drop as it happens
            Process follow = new ProcessBuilder(LabOps.ctlCommand(socket, "events", "--follow")).start();
            BufferedReader events = new BufferedReader(new InputStreamReader(follow.getInputStream(), StandardCharsets.UTF_8));
            Thread.sleep(1500); // the JVM starts and subscribes
            assertThat(LabOps.connects(lab.client(), lab.server(), LabTopology.SERVER_V4, 5301)).isFalse();
            JsonNode drop = LabOps.JSON.readTree(events.readLine());
            assertThat(drop.path("type").asText()).isEqualTo("CLASSIFY_DROP");
            assertThat(drop.path("filterId").asLong()).isEqualTo(blockId);
            follow.destroy();

            // counters
            JsonNode counters = LabOps.ctl(socket, "counters");
            assertThat(counters.path("layers").path("ALE_AUTH_CONNECT_V4").path("blocks").asLong()).isGreaterThanOrEqualTo(3);
            assertThat(StreamSupport.stream(counters.path("filters").spliterator(), false)
                    .filter(f -> f.path("id").asLong() == blockId).findFirst().orElseThrow().path("blocks").asLong())
                    .isGreaterThanOrEqualTo(1);

            // flows: an open TCP connection, then an idle UDP flow that ends without further packets
            ExecutorService server = NetNs.executor(lab.server());
            ExecutorService client = NetNs.executor(lab.client());
            try (ServerSocket listener = server.submit(() -> {
                ServerSocket s = new ServerSocket();
                s.bind(new InetSocketAddress(InetAddress.getByName(LabTopology.SERVER_V4), 5310));
                return s;
            }).get(10, TimeUnit.SECONDS);
                 Socket conn = client.submit(() -> {
                     Socket s = new Socket();
                     s.connect(new InetSocketAddress(InetAddress.getByName(LabTopology.SERVER_V4), 5310), 2000);
                     s.getOutputStream().write(new byte[1000]);
                     return s;
                 }).get(10, TimeUnit.SECONDS);
                 Socket accepted = server.submit(listener::accept).get(10, TimeUnit.SECONDS)) {
                accepted.getInputStream().readNBytes(1000);
                JsonNode tcp = flowTo(LabOps.ctl(socket, "flows"), 6, 5310);
                assertThat(tcp).as("TCP flow to 5310").isNotNull();
                assertThat(tcp.path("initiator").asText()).isEqualTo("OUTBOUND");
                assertThat(tcp.path("local").asText()).isEqualTo(LabTopology.CLIENT_V4);
                assertThat(tcp.path("localPort").asInt()).isEqualTo(conn.getLocalPort());
                assertThat(tcp.path("remote").asText()).isEqualTo(LabTopology.SERVER_V4);
                assertThat(tcp.path("state").asText()).isEqualTo("TCP_ESTABLISHED");
                assertThat(tcp.path("packets").asLong()).isGreaterThanOrEqualTo(4);
                assertThat(tcp.path("bytes").asLong()).isGreaterThan(1000);
                assertThat(tcp.path("id").asText()).matches("0-[0-9]+");
            } finally {
                server.shutdownNow();
                client.shutdownNow();
            }
            LabOps.sendUdp(lab.client(), LabTopology.SERVER_V4, 5320, 1);
            JsonNode udp = flowTo(LabOps.ctl(socket, "flows"), 17, 5320);
            assertThat(udp).as("UDP flow to 5320").isNotNull();
            assertThat(udp.path("state").asText()).isEqualTo("UNREPLIED");
            // udpIdleSeconds 3, and no packet arrives to drive the sweep: gone within about four seconds.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            while (flowTo(LabOps.ctl(socket, "flows"), 17, 5320) != null && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(flowTo(LabOps.ctl(socket, "flows"), 17, 5320)).as("idle UDP flow expired").isNull();

            // trace: the layer path of UDP packets to 5402
            Process trace = new ProcessBuilder(LabOps.ctlCommand(socket, "trace", "--protocol", "17", "--port", "5402",
                    "--seconds", "4")).start();
            Thread.sleep(1500);
            LabOps.sendUdp(lab.client(), LabTopology.SERVER_V4, 5402, 1);
            LabOps.sendUdp(lab.client(), LabTopology.SERVER_V4, 5403, 1); // not traced
            String traced = new String(trace.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(trace.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(trace.exitValue()).isZero();
            List<String> layers = new ArrayList<>();
            for (String line : traced.strip().split("\n")) {
                JsonNode n = LabOps.JSON.readTree(line);
                assertThat(n.path("remotePort").asInt()).isEqualTo(5402);
                layers.add(n.path("layer").asText() + ":" + n.path("verdict").asText());
            }
            assertThat(layers).containsSubsequence("ALE_AUTH_CONNECT_V4:PERMIT", "DATAGRAM_DATA_V4:PERMIT",
                    "OUTBOUND_TRANSPORT_V4:PERMIT", "OUTBOUND_IPPACKET_V4:PERMIT");

            // metrics: classify-time histograms per layer
            String metrics = scrape(lab.firewall(), 19464);
            assertThat(metrics).containsPattern("calloutd_layer_classify_seconds_count\\{layer=\"OUTBOUND_TRANSPORT_V4\"\\} [1-9]");
            assertThat(metrics).contains("calloutd_layer_classify_seconds_bucket{layer=\"ALE_AUTH_CONNECT_V4\",le=\"+Inf\"}");

            // reload: a new filter from the file applies
            Files.writeString(config, policy.replace("value: 5301", "value: 5311"));
            assertThat(LabOps.ctl(socket, "reload").path("message").asText()).startsWith("applied");
            assertThat(LabOps.connects(lab.client(), lab.server(), LabTopology.SERVER_V4, 5311)).isFalse();
            assertThat(LabOps.connects(lab.client(), lab.server(), LabTopology.SERVER_V4, 5301)).isTrue();
            assertThat(daemon.stop()).isZero();
        }
    }

    private static JsonNode flowTo(JsonNode flows, int protocol, int remotePort) {
        for (JsonNode f : flows) {
            if (f.path("protocol").asInt() == protocol && f.path("remotePort").asInt() == remotePort) return f;
        }
        return null;
    }

    /** GET /metrics from inside the namespace (the exporter listens on its loopback). */
    private static String scrape(String ns, int port) throws Exception {
        ExecutorService ex = NetNs.executor(ns);
        try {
            return ex.submit(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.getOutputStream().write("GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                }
            }).get(10, TimeUnit.SECONDS);
        } finally {
            ex.shutdownNow();
        }
    }
}
