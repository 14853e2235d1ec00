package io.calloutd.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calloutd.daemon.StatsSnapshot;
import io.calloutd.engine.NetEventType;
import io.calloutd.nativebridge.NetNs;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Pending on real kernels (§5.1, check 41 end to end): a plug-in callout pends ALE_AUTH_CONNECT of real TCP connects
 * and completes them from its own worker 200 ms later. Permitted: the connection works and the server's kernel saw
 * no TCP segment before the completion. Denied: the client's connect fails. Never completed: the pend times out
 * (--pend-timeout-ms) with a PEND_TIMEOUT net event.
 */
class PendingLabIT {
    private static final Path JAR = Path.of(System.getProperty("calloutd.jar", "runtime/target/calloutd.jar"));
    static final int PERMITTED = 5401, DENIED = 5402, NEVER = 5403;

    static final String SOURCE = """
            package plug;
            import io.calloutd.callout.*;
            import io.calloutd.engine.*;
            import java.util.List;
            import java.util.Map;
            import java.util.UUID;
            import java.util.concurrent.*;
            /** Pends every IPv4 TCP connect to ports 5401-5403; a worker answers 200 ms later (5403: never). */
            public class PendConnect implements CalloutProvider {
                static final UUID KEY = UUID.fromString("6f1c2a7e-0000-4000-8000-0000000000aa");
                final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "pend-completer");
                    t.setDaemon(true);
                    return t;
                });
                /** Stored verdicts by client port, looked up by the completion's reauthorization (§5.2). */
                final Map<Integer, Boolean> verdicts = new ConcurrentHashMap<>();
                public String name() { return "pend-connect"; }
                public String version() { return "1.0"; }
                public List<CalloutRegistration> callouts(CalloutServices s) {
                    Callout c = (in, ctx, filter, out) -> {
                        int local = (int) in.low(Field.IP_LOCAL_PORT), remote = (int) in.low(Field.IP_REMOTE_PORT);
                        if ((in.low(Field.FLAGS) & ConditionFlags.IS_REAUTHORIZE) != 0) {
                            if (Boolean.TRUE.equals(verdicts.remove(local))) out.permit(); else out.block();
                            return;
                        }
                        PendResult r = ClassifyHandle.of(ctx).pendOperation(ctx, filter, out);
                        if (!r.ok()) { out.block(); return; }
                        if (remote == 5403) return; // never completed
                        verdicts.put(local, remote == 5401);
                        worker.schedule(() -> r.pended().complete(), 200, TimeUnit.MILLISECONDS);
                    };
                    try {
                        s.engine().addFilter(FilterSpec.builder(Layer.ALE_AUTH_CONNECT_V4)
                                .callout(FilterAction.CALLOUT_TERMINATING, KEY)
                                .condition(Condition.eq(Field.IP_PROTOCOL, Value.uint8(6)))
                                .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(5401)))
                                .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(5402)))
                                .condition(Condition.eq(Field.IP_REMOTE_PORT, Value.uint16(5403))).build());
                    } catch (FilterValidationException e) {
                        throw new IllegalStateException(e);
                    }
                    return List.of(CalloutRegistration.builder(KEY).name("pend-connect").classify(c).build());
                }
            }
            """;

    @Test
    void pendedConnectsAreDecidedByTheirCompletionAndUncompletedOnesTimeOut() throws Exception {
        Path tmp = Files.createTempDirectory("calloutd-pend-");
        try {
            Path plugins = CalloutPluginLabIT.buildPlugin(tmp, "plug.PendConnect", SOURCE);
            try (LabTopology lab = LabTopology.create();
                 DaemonProcess daemon = DaemonProcess.startGateway(lab, JAR, "--plugin-dir", plugins.toString(),
                         "--pend-timeout-ms", "1000")) {
                ExecutorService server = NetNs.executor(lab.server()), client = NetNs.executor(lab.client());
                try {
                    permitted(lab, server, client, daemon);
                    refused(server, client, DENIED);
                    refused(server, client, NEVER);
                } finally {
                    server.shutdownNow();
                    client.shutdownNow();
                }
                StatsSnapshot s = awaitStats(daemon, x -> x.classifier().get("pendTimeouts") >= 1);
                assertThat(s.classifier().get("pendTimeouts")).as(s.classifier().toString()).isGreaterThanOrEqualTo(1);
                assertThat(s.netEvents()).as("net events").anySatisfy(e -> {
                    assertThat(e.type()).isEqualTo(NetEventType.PEND_TIMEOUT);
                    assertThat(e.layer().name()).isEqualTo("ALE_AUTH_CONNECT_V4");
                });
                // At least one completion each for the permitted and the denied connect (SYN retries pend again).
                assertThat(s.classifier().get("pendCompletions")).isGreaterThanOrEqualTo(2);
                assertThat(s.callouts().get("pend-connect").get("failures")).isZero();
                assertThat(s.unaccounted()).isZero();
                assertThat(daemon.stop()).isZero();
            }
        } finally {
            try (Stream<Path> files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Connects to the permitted port: established only after the completion, and nothing reached the server before. */
    private static void permitted(LabTopology lab, ExecutorService server, ExecutorService client, DaemonProcess daemon)
            throws Exception {
        ServerSocket listener = listen(server, PERMITTED);
        try (listener) {
            Future<String> served = server.submit(() -> {
                try (Socket s = listener.accept(); OutputStream out = s.getOutputStream()) {
                    out.write("hello\n".getBytes(StandardCharsets.US_ASCII));
                    return "served";
                }
            });
            long before = tcpInSegments(lab.server());
            Future<long[]> connect = client.submit(() -> {
                long t0 = System.nanoTime();
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getByName(LabTopology.SERVER_V4), PERMITTED), 5000);
                    long connected = System.nanoTime() - t0;
                    s.setSoTimeout(5000);
                    byte[] greeting = s.getInputStream().readAllBytes();
                    return new long[] {connected, greeting.length};
                }
            });
            Thread.sleep(100); // inside the 200 ms pend
            long during = tcpInSegments(lab.server());
            long[] r;
            try {
                r = connect.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError("connect failed; stats " + daemon.stats() + "\nlog:\n" + daemon.log(), e);
            }
            System.out.printf("pended connect: %.1f ms; server TCP segments before/during/after the pend: %d/%d/%d%n",
                    r[0] / 1e6, before, during, tcpInSegments(lab.server()));
            assertThat(during).as("TCP segments at the server while the connect was pended").isEqualTo(before);
            assertThat(r[0]).as("connect time (ns)").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(150))
                    .as("connect time (ns): the held SYN itself must get through, not the client's retransmission at 1 s")
                    .isLessThan(TimeUnit.MILLISECONDS.toNanos(900));
            assertThat(r[1]).as("greeting bytes").isEqualTo(6);
            assertThat(served.get(5, TimeUnit.SECONDS)).isEqualTo("served");
            assertThat(tcpInSegments(lab.server())).isGreaterThan(before);
        }
    }

    /** Connects to a denied or never-completed port: the connect fails and the server never accepts. */
    private static void refused(ExecutorService server, ExecutorService client, int port) throws Exception {
        ServerSocket listener = listen(server, port);
        try (listener) {
            listener.setSoTimeout(3500);
            Future<Boolean> accepted = server.submit(() -> {
                try (Socket s = listener.accept()) {
                    return true;
                } catch (SocketTimeoutException e) {
                    return false;
                }
            });
            Future<Void> connect = client.submit(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getByName(LabTopology.SERVER_V4), port), 2500);
                }
                return null;
            });
            assertThatThrownBy(() -> connect.get(10, TimeUnit.SECONDS)).as("connect to " + port)
                    .hasCauseInstanceOf(SocketTimeoutException.class);
            assertThat(accepted.get(10, TimeUnit.SECONDS)).as("server accepted on " + port).isFalse();
        }
    }

    private static ServerSocket listen(ExecutorService server, int port) throws Exception {
        return server.submit(() -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(InetAddress.getByName(LabTopology.SERVER_V4), port));
            s.setSoTimeout(10_000);
            return s;
        }).get(10, TimeUnit.SECONDS);
    }

    /** The server kernel's own count of received TCP segments (Tcp InSegs of /proc/net/snmp in its namespace). */
    static long tcpInSegments(String ns) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "cat", "/proc/net/snmp").redirectErrorStream(true).start();
        List<String> tcp = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).lines()
                .filter(l -> l.startsWith("Tcp:")).toList();
        if (p.waitFor() != 0 || tcp.size() != 2) {
            throw new IOException("cannot read /proc/net/snmp in " + ns + ": " + tcp);
        }
        List<String> names = List.of(tcp.get(0).trim().split("\\s+")), values = List.of(tcp.get(1).trim().split("\\s+"));
        return Long.parseLong(values.get(names.indexOf("InSegs")));
    }

    private static StatsSnapshot awaitStats(DaemonProcess daemon, java.util.function.Predicate<StatsSnapshot> done)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        StatsSnapshot s = daemon.stats();
        while (!done.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            s = daemon.stats();
        }
        return s;
    }
}
