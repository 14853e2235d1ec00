package io.calloutd.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.calloutd.nativebridge.NetNs;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** Small traffic and calloutctl helpers shared by the operator-facing lab tests. */
final class LabOps {
    static final Path JAR = Path.of(System.getProperty("calloutd.jar", "runtime/target/calloutd.jar"));
    static final ObjectMapper JSON = new ObjectMapper();

    private LabOps() { }

    /** True if a TCP connection from {@code fromNs} to a listener in {@code toNs} completes within 2 s. */
    static boolean connects(String fromNs, String toNs, String address, int port) throws Exception {
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
                    s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
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

    /** Sends {@code count} UDP datagrams from {@code fromNs} to {@code address:port} (no answer expected). */
    static void sendUdp(String fromNs, String address, int port, int count) throws Exception {
        ExecutorService client = NetNs.executor(fromNs);
        try {
            client.submit(() -> {
                try (DatagramSocket s = new DatagramSocket()) {
                    InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(address), port);
                    for (int i = 0; i < count; i++) {
                        s.send(new DatagramPacket(new byte[100], 100, to));
                    }
                }
                return null;
            }).get(10, TimeUnit.SECONDS);
        } finally {
            client.shutdownNow();
        }
    }

    /** Runs calloutctl (from the jar) and returns its JSON output; fails the test if it exits non-zero. */
    static JsonNode ctl(Path socket, String... args) throws Exception {
        Result r = run(ctlCommand(socket, args));
        if (r.exit != 0) {
            throw new AssertionError("calloutctl " + List.of(args) + " exited " + r.exit + ": " + r.stderr + r.stdout);
        }
        return r.stdout.isBlank() ? JSON.createObjectNode() : JSON.readTree(r.stdout);
    }

    static List<String> ctlCommand(Path socket, String... args) {
        List<String> cmd = new ArrayList<>(List.of("java", "-cp", JAR.toString(), "io.calloutd.mgmt.cli.CalloutCtl",
                "--socket", socket.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** A finished process's exit status and output. */
    record Result(int exit, String stdout, String stderr) { }

    static Result run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        var err = new java.util.concurrent.CompletableFuture<String>();
        Thread t = new Thread(() -> {
            try {
                err.complete(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.complete(e.toString());
            }
        });
        t.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        return new Result(exit, out, err.get(10, TimeUnit.SECONDS));
    }

    /** The id of the one filter called {@code name} in a calloutctl listing. */
    static long idOf(JsonNode tree, String name) {
        List<JsonNode> found = tree.findParents("name").stream().filter(n -> name.equals(n.path("name").asText())).toList();
        if (found.size() != 1) {
            throw new AssertionError("filter " + name + " in " + tree);
        }
        return found.get(0).path("id").asLong();
    }
}
