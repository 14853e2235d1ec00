package io.calloutd.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calloutd.daemon.StatsSnapshot;
import io.calloutd.engine.NetEvent;
import io.calloutd.engine.NetEventType;
import io.calloutd.nativebridge.NetNs;
import java.io.IOException;
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
import org.junit.jupiter.api.Test;

/**
 * A policy file and calloutctl against a running gateway: BLOCK filters on a port stop real connections (in both
 * directions), the net event names the filter, a filter added at run time through the management API takes
 * effect, deleting it lifts it, and an invalid reload leaves the running policy untouched.
 */
class PolicyLabIT {
    private static final Path JAR = Path.of(System.getProperty("calloutd.jar", "runtime/target/calloutd.jar"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void blockFiltersStopRealConnectionsAndNetEventsNameTheFilter() throws Exception {
        Path dir = Files.createTempDirectory("calloutd-policy-");
        Path socket = dir.resolve("api.sock");
        Path config = dir.resolve("policy.yaml");
        Files.writeString(config, """
                mode: gateway
                api: {socket: %s, stateDir: %s}
                sublayers:
                  - {id: lab, name: lab policy, weight: 100}
                filters:
                  - id: block-5301-out
                    name: block-5301-out
                    layer: ALE_AUTH_CONNECT_V4
                    sublayer: lab
                    action: BLOCK
                    conditions:
                      - {field: IP_PROTOCOL, value: tcp}
                      - {field: IP_REMOTE_PORT, value: 5301}
                  - id: block-5302-in
                    name: block-5302-in
                    layer: INBOUND_TRANSPORT_V4
                    sublayer: lab
                    action: BLOCK
                    conditions:
                      - {field: IP_LOCAL_PORT, value: 5302}
                """.formatted(socket, dir.resolve("state")));
        try (LabTopology lab = LabTopology.create();
             DaemonProcess daemon = DaemonProcess.startGateway(lab, JAR, "--config", config.toString())) {
            assertThat(connects(lab.client(), lab.server(), LabTopology.SERVER_V4, 5301)).as("outbound to 5301 blocked").isFalse();
            assertThat(connects(lab.server(), lab.client(), LabTopology.CLIENT_V4, 5302)).as("inbound to 5302 blocked").isFalse();
            assertThat(connects(lab.client(), lab.server(), LabTopology.SERVER_V4, 5303)).as("5303 is open").isTrue();

            JsonNode filters = ctl(socket, "filters", "list");
            long outId = idOf(filters, "block-5301-out");
            long inId = idOf(filters, "block-5302-in");
            Thread.sleep(600);
            StatsSnapshot s = daemon.stats();
            assertThat(s.netEvents()).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo(NetEventType.CLASSIFY_DROP);
                assertThat(e.layer().name()).isEqualTo("ALE_AUTH_CONNECT_V4");
                assertThat(e.filterId()).isEqualTo(outId);
            });
            assertThat(s.netEvents()).extracting(NetEvent::filterId).contains(inId);
            assertThat(s.classifier().get("authorizationBlocks")).isGreaterThan(0);
            assertThat(s.layers().get("INBOUND_TRANSPORT_V4").get("blocks")).isGreaterThan(0);

            // A filter added at run time through the API (calloutctl) applies to the next connection ...
            JsonNode added = ctl(socket, "filters", "add", "--layer", "ALE_AUTH_CONNECT_V4", "--action", "BLOCK",
                    "--name", "block-5303", "-c", "IP_PROTOCOL=tcp", "-c", "IP_REMOTE_PORT=5303");
            long addedId = added.path("id").asLong();
            assertThat(idOf(ctl(socket, "filters", "list"), "block-5303")).isEqualTo(addedId);
            assertThat(connects(lab.client(), lab.server(), LabTopology.SERVER_V4, 5303)).as("5303 now blocked").isFalse();
            // ... and deleting it lifts the block.
            ctl(socket, "filters", "delete", Long.toString(addedId));
            assertThat(connects(lab.client(), lab.server(), LabTopology.SERVER_V4, 5303)).as("5303 open again").isTrue();

            // An invalid policy file is rejected on reload; the running policy stays.
            String good = Files.readString(config);
            Files.writeString(config, good.replace("value: 5301", "value: 70000"));
            JsonNode reload = ctlRaw(socket, "reload");
            assertThat(reload.toString()).contains("CONFIG_INVALID", "policy.yaml:13", "70000 is out of range").doesNotContain("applied");
            assertThat(connects(lab.client(), lab.server(), LabTopology.SERVER_V4, 5301)).as("old policy still on").isFalse();
            assertThat(daemon.stop()).isZero();
        }
    }

    /** True if a TCP connection from {@code fromNs} to a listener in {@code toNs} completes within 2 s. */
    private static boolean connects(String fromNs, String toNs, String address, int port) throws Exception {
        ExecutorService server = NetNs.executor(toNs);
        ExecutorService client = NetNs.executor(fromNs);
        try (ServerSocket listener = server.submit(() -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            return s;
        }).get(10, TimeUnit.SECONDS)) {
            return client.submit(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getByName(address), port), 2_000);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            }).get(10, TimeUnit.SECONDS);
        } finally {
            server.shutdownNow();
            client.shutdownNow();
        }
    }

    private static JsonNode ctl(Path socket, String... args) throws Exception {
        JsonNode n = ctlRaw(socket, args);
        assertThat(n.has("exit") && n.get("exit").asInt() != 0).as("calloutctl %s failed: %s", List.of(args), n).isFalse();
        return n;
    }

    /** Runs calloutctl from the daemon's jar; JSON stdout, or {"exit":N,"stderr":...} when it fails. */
    private static JsonNode ctlRaw(Path socket, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", "-cp", JAR.toString(), "io.calloutd.mgmt.cli.CalloutCtl",
                "--socket", socket.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        if (exit != 0) {
            return JSON.createObjectNode().put("exit", exit).put("stderr", err).put("stdout", out);
        }
        return out.isBlank() ? JSON.createObjectNode() : JSON.readTree(out);
    }

    private static long idOf(JsonNode tree, String name) {
        List<JsonNode> found = tree.findParents("name").stream().filter(n -> name.equals(n.path("name").asText())).toList();
        assertThat(found).as("filter %s in %s", name, tree).hasSize(1);
        return found.get(0).path("id").asLong();
    }
}
