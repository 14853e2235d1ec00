package io.calloutd.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calloutd.daemon.StatsSnapshot;
import io.calloutd.nativebridge.NetNs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Reloading the policy while traffic runs loses no flow the new policy still permits: a paced TCP download
 * (server → client, sha256 at both ends) and a UDP echo stream cross the gateway while the policy file is rewritten
 * and reloaded five times, alternately by SIGHUP and by {@code calloutctl reload} (adding and removing unrelated
 * BLOCK filters, changing sublayer weights, finally blocking another port). Both streams run until the reloads are
 * done, so every reload happens under traffic. Then: the download is intact, every datagram came back, nothing was
 * dropped by verdict, the flows were reauthorized with PERMIT (net event log), and the newly blocked port is blocked.
 */
class ReloadUnderTrafficLabIT {
    private static final Path JAR = Path.of(System.getProperty("calloutd.jar", "runtime/target/calloutd.jar"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TCP_PORT = 5401, UDP_PORT = 5402, BLOCKED_LATER = 5403;
    private static final long MIN_TCP_BYTES = 24L << 20;

    @Test
    void reloadsUnderTrafficKeepPermittedFlowsAndApplyTheNewBlock() throws Exception {
        Path dir = Files.createTempDirectory("calloutd-reload-");
        Path socket = dir.resolve("api.sock");
        Path config = dir.resolve("policy.yaml");
        Path eventLog = dir.resolve("events.jsonl");
        String head = """
                mode: gateway
                api: {socket: %s, stateDir: %s}
                netEvents: {log: %s, allow: true, capacity: 65536}
                """.formatted(socket, dir.resolve("state"), eventLog);
        Files.writeString(config, head + policy(0));
        try (LabTopology lab = LabTopology.create();
             DaemonProcess daemon = DaemonProcess.startGateway(lab, JAR, "--config", config.toString())) {
            assertThat(connects(lab, BLOCKED_LATER)).as("port %d open before", BLOCKED_LATER).isTrue();
            AtomicBoolean reloadsDone = new AtomicBoolean();
            String[] tcp;
            int[] udp;
            // One thread per stream end: a netns executor is single-threaded.
            List<ExecutorService> threads = new ArrayList<>();
            for (String ns : List.of(lab.server(), lab.client(), lab.server(), lab.client())) threads.add(NetNs.executor(ns));
            try {
                Streams<String[], String[]> download = startDownload(threads.get(0), threads.get(1), reloadsDone);
                Streams<Integer, int[]> echo = startUdpEcho(threads.get(2), threads.get(3), reloadsDone);
                Thread.sleep(1_000);
                for (int v = 1; v <= 5; v++) {
                    assertThat(download.server().isDone()).as("download still running at reload %d", v).isFalse();
                    assertThat(echo.server().isDone()).as("echo still running at reload %d", v).isFalse();
                    Files.writeString(config, head + policy(v));
                    if (v % 2 == 1) {
                        sighupAndAwait(daemon, (v + 1) / 2);
                    } else {
                        JsonNode r = ctl(socket, "reload");
                        assertThat(r.toString()).as("reload %d", v).contains("applied");
                    }
                    Thread.sleep(700);
                }
                reloadsDone.set(true);
                String[] received = download.client().get(120, TimeUnit.SECONDS);
                String[] sent = download.server().get(10, TimeUnit.SECONDS);
                tcp = new String[] {sent[0], sent[1], received[0], received[1]};
                int[] c = echo.client().get(60, TimeUnit.SECONDS);
                udp = new int[] {c[0], c[1], echo.server().get(10, TimeUnit.SECONDS)};

                assertThat(Long.parseLong(tcp[0])).as("bytes sent").isGreaterThanOrEqualTo(MIN_TCP_BYTES);
                assertThat(tcp[2]).as("bytes received").isEqualTo(tcp[0]);
                assertThat(tcp[3]).as("sha256 received").isEqualTo(tcp[1]);
                assertThat(udp[0]).as("datagrams sent").isGreaterThan(200);
                assertThat(udp[1]).as("echoes back intact").isEqualTo(udp[0]);
                assertThat(udp[2]).as("datagrams the server saw").isEqualTo(udp[0]);
            } finally {
                threads.forEach(ExecutorService::shutdownNow);
            }

            Thread.sleep(600); // a fresh stats file and a drained event log
            StatsSnapshot s = daemon.stats();
            assertThat(s.dropsByVerdict()).as("no packet dropped by verdict during the reloads").isZero();
            assertThat(s.classifier().getOrDefault("reauthorizationBlocks", 0L)).isZero();
            assertThat(s.classifier().getOrDefault("authorizationBlocks", 0L)).isZero();
            // Every reload replaces the AUTH_CONNECT filters: both flows are reauthorized after each of the five.
            assertThat(s.classifier().getOrDefault("reauthorizations", 0L)).as("flows reauthorized").isGreaterThanOrEqualTo(10);
            List<JsonNode> events = readEvents(eventLog);
            System.out.printf("reload under traffic: %d bytes (sha256 %s), %d datagrams echoed, %d reauthorizations,"
                    + " %d net events%n", Long.parseLong(tcp[2]), tcp[3].substring(0, 12), udp[1],
                    s.classifier().get("reauthorizations"), events.size());
            assertThat(events).noneMatch(e -> e.path("type").asText().equals("CLASSIFY_DROP"));
            assertThat(events).noneMatch(e -> "BLOCK".equals(e.path("verdict").asText()));
            for (int port : new int[] {TCP_PORT, UDP_PORT}) {
                assertThat(events).as("allow event of the flow to %d", port).anyMatch(e -> is(e, "CLASSIFY_ALLOW", port));
                assertThat(events).as("reauthorization of the flow to %d", port)
                        .anyMatch(e -> is(e, "REAUTHORIZE", port) && e.path("verdict").asText().equals("PERMIT"));
            }

            assertThat(connects(lab, BLOCKED_LATER)).as("port %d blocked after the last reload", BLOCKED_LATER).isFalse();
            long blockId = idOf(ctl(socket, "filters", "list"), "block-" + BLOCKED_LATER);
            Thread.sleep(600);
            assertThat(daemon.stats().dropsByVerdict()).isGreaterThan(0);
            assertThat(readEvents(eventLog)).anyMatch(e -> e.path("type").asText().equals("CLASSIFY_DROP")
                    && e.path("filterId").asLong() == blockId && e.path("layer").asText().equals("ALE_AUTH_CONNECT_V4"));
            assertThat(daemon.stop()).isZero();
        }
    }

    /**
     * Variant {@code v} of the policy: unrelated BLOCK filters come and go, sublayer weights change, a PERMIT for
     * the test ports moves in and out; the last variant also blocks {@link #BLOCKED_LATER}. All permit the streams.
     */
    private static String policy(int v) {
        int labWeight = new int[] {100, 300, 100, 50, 500, 200}[v];
        int extraWeight = new int[] {50, 50, 400, 600, 10, 250}[v];
        StringBuilder sb = new StringBuilder("sublayers:\n")
                .append("  - {id: lab, name: lab, weight: ").append(labWeight).append("}\n")
                .append("  - {id: extra, name: extra, weight: ").append(extraWeight).append("}\n")
                .append("filters:\n");
        if (v != 2 && v != 4) block(sb, "block-6001", "ALE_AUTH_CONNECT_V4", "lab", "IP_REMOTE_PORT", 6001);
        if (v >= 1) block(sb, "block-6002", "INBOUND_TRANSPORT_V4", "extra", "IP_LOCAL_PORT", 6002);
        if (v == 1 || v == 3) block(sb, "block-6003", "OUTBOUND_TRANSPORT_V4", "lab", "IP_REMOTE_PORT", 6003);
        if (v >= 3) block(sb, "block-6004", "ALE_AUTH_RECV_ACCEPT_V4", "extra", "IP_LOCAL_PORT", 6004);
        if (v == 2 || v == 3) {
            sb.append("  - {id: permit-test, name: permit-test, layer: ALE_AUTH_CONNECT_V4, sublayer: extra, ")
                    .append("action: PERMIT, conditions: [{field: IP_REMOTE_PORT, range: [")
                    .append(TCP_PORT).append(", ").append(UDP_PORT).append("]}]}\n");
        }
        if (v == 5) block(sb, "block-" + BLOCKED_LATER, "ALE_AUTH_CONNECT_V4", "lab", "IP_REMOTE_PORT", BLOCKED_LATER);
        return sb.toString();
    }

    private static void block(StringBuilder sb, String id, String layer, String sublayer, String field, int port) {
        sb.append("  - {id: ").append(id).append(", name: ").append(id).append(", layer: ").append(layer)
                .append(", sublayer: ").append(sublayer).append(", action: BLOCK, conditions: [{field: ")
                .append(field).append(", value: ").append(port).append("}]}\n");
    }

    /** Server → client, paced (~2.5 MB/s) so it spans the reloads; runs until {@code done} and 24 MiB are sent. */
    /** The two ends of a stream: the server's and the client's result. */
    private record Streams<S, C>(Future<S> server, Future<C> client) { }

    private static Streams<String[], String[]> startDownload(ExecutorService serverNs, ExecutorService clientNs, AtomicBoolean done)
            throws Exception {
        ServerSocket listener = serverNs.submit(() -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(InetAddress.getByName(LabTopology.SERVER_V4), TCP_PORT));
            s.setSoTimeout(30_000);
            return s;
        }).get(10, TimeUnit.SECONDS);
        Future<String[]> sent = serverNs.submit(() -> {
            try (listener; Socket s = listener.accept(); OutputStream out = s.getOutputStream()) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                Random random = new Random(TCP_PORT);
                byte[] chunk = new byte[64 * 1024];
                long total = 0;
                while (total < MIN_TCP_BYTES || !done.get()) {
                    random.nextBytes(chunk);
                    out.write(chunk);
                    sha.update(chunk);
                    total += chunk.length;
                    Thread.sleep(25);
                }
                return new String[] {Long.toString(total), HexFormat.of().formatHex(sha.digest())};
            }
        });
        Future<String[]> received = clientNs.submit(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getByName(LabTopology.SERVER_V4), TCP_PORT), 10_000);
                s.setSoTimeout(30_000);
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                long total = 0;
                byte[] buf = new byte[64 * 1024];
                try (InputStream in = s.getInputStream()) {
                    for (int n; (n = in.read(buf)) > 0; total += n) sha.update(buf, 0, n);
                }
                return new String[] {Long.toString(total), HexFormat.of().formatHex(sha.digest())};
            }
        });
        return new Streams<>(sent, received);
    }

    /**
     * One UDP flow (one client socket): a datagram every ~10 ms, each waiting for its echo (2 s timeout), until
     * {@code done}. The client returns {sent, echoed intact}, the server the count it echoed.
     */
    private static Streams<Integer, int[]> startUdpEcho(ExecutorService serverNs, ExecutorService clientNs, AtomicBoolean done)
            throws Exception {
        DatagramSocket server = serverNs.submit(() -> {
            DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(LabTopology.SERVER_V4), UDP_PORT));
            s.setSoTimeout(500);
            return s;
        }).get(10, TimeUnit.SECONDS);
        AtomicBoolean clientDone = new AtomicBoolean();
        Future<Integer> echoes = serverNs.submit(() -> {
            try (server) {
                byte[] buf = new byte[2048];
                int n = 0;
                while (!clientDone.get()) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        server.receive(p);
                    } catch (SocketTimeoutException idle) {
                        continue;
                    }
                    n++;
                    server.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                }
                return n;
            }
        });
        Future<int[]> client = clientNs.submit(() -> {
            try (DatagramSocket c = new DatagramSocket()) {
                c.setSoTimeout(2_000);
                InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(LabTopology.SERVER_V4), UDP_PORT);
                Random random = new Random(UDP_PORT);
                byte[] payload = new byte[512];
                byte[] back = new byte[2048];
                int sent = 0, ok = 0;
                while (!done.get() || sent < 200) {
                    random.nextBytes(payload);
                    c.send(new DatagramPacket(payload, payload.length, to));
                    sent++;
                    DatagramPacket p = new DatagramPacket(back, back.length);
                    try {
                        c.receive(p);
                        if (p.getLength() == payload.length && Arrays.equals(back, 0, p.getLength(), payload, 0, payload.length)) ok++;
                    } catch (SocketTimeoutException lost) {
                        // counted as missing
                    }
                    Thread.sleep(10);
                }
                return new int[] {sent, ok};
            } finally {
                Thread.sleep(600); // let the server's last receive time out
                clientDone.set(true);
            }
        });
        return new Streams<>(echoes, client);
    }

    /** Sends SIGHUP and waits until the daemon logged the {@code n}th applied SIGHUP reload. */
    private static void sighupAndAwait(DaemonProcess daemon, int n) throws Exception {
        assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).start().waitFor()).isZero();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (daemon.log().split("SIGHUP: applied", -1).length - 1 >= n) return;
            Thread.sleep(50);
        }
        throw new AssertionError("SIGHUP reload " + n + " not applied:\n" + daemon.log());
    }

    private static boolean is(JsonNode e, String type, int remotePort) {
        return e.path("type").asText().equals(type) && e.path("layer").asText().equals("ALE_AUTH_CONNECT_V4")
                && e.path("packet").asText().matches(".*\\bip_remote_port=" + remotePort + "\\b.*");
    }

    private static List<JsonNode> readEvents(Path log) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(log)) return out;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) out.add(JSON.readTree(line));
        }
        return out;
    }

    /** True if a TCP connection from the client to a listener on the server at {@code port} completes within 2 s. */
    private static boolean connects(LabTopology lab, int port) throws Exception {
        ExecutorService server = NetNs.executor(lab.server());
        ExecutorService client = NetNs.executor(lab.client());
        try (ServerSocket listener = server.submit(() -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(InetAddress.getByName(LabTopology.SERVER_V4), port));
            return s;
        }).get(10, TimeUnit.SECONDS)) {
            return client.submit(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getByName(LabTopology.SERVER_V4), port), 2_000);
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
        List<String> cmd = new ArrayList<>(List.of("java", "-cp", JAR.toString(), "io.calloutd.mgmt.cli.CalloutCtl",
                "--socket", socket.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("calloutctl %s: %s", List.of(args), out).isZero();
        return out.isBlank() ? JSON.createObjectNode() : JSON.readTree(out);
    }

    private static long idOf(JsonNode tree, String name) {
        List<JsonNode> found = tree.findParents("name").stream().filter(n -> name.equals(n.path("name").asText())).toList();
        assertThat(found).as("filter %s in %s", name, tree).hasSize(1);
        return found.get(0).path("id").asLong();
    }
}
