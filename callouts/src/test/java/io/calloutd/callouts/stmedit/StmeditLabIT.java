package io.calloutd.callouts.stmedit;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.daemon.StatsSnapshot;
import io.calloutd.lab.DaemonProcess;
import io.calloutd.lab.LabTopology;
import io.calloutd.nativebridge.NetNs;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Check 68 on real kernels: a 10 MB TCP transfer from the outside server to the protected client through the gateway
 * daemon, with stmedit replacing "rainy" by the longer "sunny and warm" or the shorter "sun" (many occurrences straddle segment
 * boundaries). The client must read exactly the independently computed edited bytes, the connection must close
 * cleanly (EOF both ways), and the sender must not retransmit more than a handful of segments.
 */
class StmeditLabIT {
    private static final int PORT = 8888;
    private static final int SIZE = 10 * 1024 * 1024;
    private static final String REPLACEMENT = "sunny and warm";

    /** Letters without 'y' (so "rainy" never appears by chance) with "rainy" every 700..1300 bytes. */
    static byte[] input() {
        Random r = new Random(68);
        byte[] b = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) b[i] = (byte) ('a' + r.nextInt(24)); // a..x
        byte[] rainy = "rainy".getBytes(StandardCharsets.US_ASCII);
        for (int at = 500; at + 5 < SIZE; at += 700 + r.nextInt(600)) System.arraycopy(rainy, 0, b, at, 5);
        return b;
    }

    /** The expected stream, computed by a plain byte scan (independent of the callout's matchers). */
    static byte[] expected(byte[] in, String replacement) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + in.length / 50);
        byte[] rep = replacement.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < in.length; ) {
            if (i + 5 <= in.length && in[i] == 'r' && in[i + 1] == 'a' && in[i + 2] == 'i' && in[i + 3] == 'n' && in[i + 4] == 'y') {
                out.write(rep, 0, rep.length);
                i += 5;
            } else {
                out.write(in[i++]);
            }
        }
        return out.toByteArray();
    }

    static long tcpCounter(String ns, String name) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "cat", "/proc/net/snmp").start();
        String[] lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).split("\n");
        p.waitFor();
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("Tcp:") && lines[i + 1].startsWith("Tcp:")) {
                String[] names = lines[i].trim().split("\\s+"), values = lines[i + 1].trim().split("\\s+");
                for (int k = 0; k < names.length; k++) if (names[k].equals(name)) return Long.parseLong(values[k]);
            }
        }
        throw new IllegalStateException("no Tcp " + name);
    }

    @Test
    void check68_tenMegabytesWithLengthChangingReplacementsArriveExactly() throws Exception {
        transfer("inline", REPLACEMENT);
    }

    /** A shrinking edit: the connection must still close on its FIN exchange (ENDPOINT_CLOSURE at once, not by timeout). */
    @Test
    void check68_tenMegabytesWithAShrinkingReplacementArriveExactlyAndCloseOnFin() throws Exception {
        transfer("inline", "sun");
    }

    /** The same through the out-of-band editor: worker thread, stream injection, DEFER/continue under load. */
    @Test
    void check68_tenMegabytesEditedOutOfBandArriveExactly() throws Exception {
        transfer("oob", REPLACEMENT);
    }

    private void transfer(String mode, String replacement) throws Exception {
        byte[] input = input();
        byte[] expected = expected(input, replacement);
        assertThat(expected.length).isNotEqualTo(input.length);
        Path dir = Files.createTempDirectory("calloutd-stmedit-");
        Path config = dir.resolve("policy.yaml");
        Files.writeString(config, """
                mode: gateway
                api: {socket: %s, stateDir: %s}
                callouts:
                  - {id: weather, type: stmedit, params: {port: 0, remotePort: %d, replace: "%s", mode: %s}}
                filters:
                  - id: weather-v4
                    layer: STREAM_V4
                    action: CALLOUT_TERMINATING
                    callout: weather
                    conditions:
                      - {field: IP_REMOTE_PORT, value: %d}
                """.formatted(dir.resolve("api.sock"), dir.resolve("state"), PORT, replacement, mode, PORT));
        try (LabTopology lab = LabTopology.create();
             DaemonProcess daemon = DaemonProcess.startGateway(lab, null, "--config", config.toString())) {
            long retransBefore = tcpCounter(lab.server(), "RetransSegs");
            long outBefore = tcpCounter(lab.server(), "OutSegs");
            ExecutorService server = NetNs.executor(lab.server());
            ExecutorService client = NetNs.executor(lab.client());
            byte[] got;
            try {
                ServerSocket listener = server.submit(() -> {
                    ServerSocket s = new ServerSocket();
                    s.bind(new InetSocketAddress(InetAddress.getByName(LabTopology.SERVER_V4), PORT));
                    s.setSoTimeout(30_000);
                    return s;
                }).get(10, TimeUnit.SECONDS);
                try (listener) {
                    Future<Integer> sent = server.submit(() -> {
                        try (Socket s = listener.accept()) {
                            s.setSoTimeout(30_000);
                            OutputStream out = s.getOutputStream();
                            for (int off = 0; off < input.length; off += 65536) {
                                out.write(input, off, Math.min(65536, input.length - off));
                            }
                            s.shutdownOutput();
                            return s.getInputStream().read(); // the client's FIN: -1
                        }
                    });
                    Future<byte[]> received = client.submit(() -> {
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress(InetAddress.getByName(LabTopology.SERVER_V4), PORT), 10_000);
                            s.setSoTimeout(30_000);
                            ByteArrayOutputStream all = new ByteArrayOutputStream(expected.length);
                            try (InputStream in = s.getInputStream()) {
                                in.transferTo(all);
                            }
                            return all.toByteArray();
                        }
                    });
                    try {
                        got = received.get(120, TimeUnit.SECONDS);
                        assertThat(sent.get(30, TimeUnit.SECONDS)).as("server sees the client's FIN").isEqualTo(-1);
                    } catch (Exception e) {
                        throw new AssertionError("transfer failed; stats " + daemon.stats().classifier() + "\nlog:\n" + daemon.log(), e);
                    }
                }
            } finally {
                server.shutdownNow();
                client.shutdownNow();
            }
            long retrans = tcpCounter(lab.server(), "RetransSegs") - retransBefore;
            long outSegs = tcpCounter(lab.server(), "OutSegs") - outBefore;
            Thread.sleep(600);
            StatsSnapshot s = daemon.stats();
            Map<String, Long> c = s.classifier();
            System.out.printf("stmedit lab (" + mode + "): %d -> %d bytes, server OutSegs=%d RetransSegs=%d, stream=%s%n",
                    input.length, got.length, outSegs, retrans, c.entrySet().stream()
                            .filter(e -> e.getKey().startsWith("stream.")).toList());
            assertThat(got.length).isEqualTo(expected.length);
            assertThat(Arrays.equals(got, expected)).as("client reads exactly the edited stream").isTrue();
            assertThat(retrans).as("sender retransmissions (of %d segments)", outSegs).isLessThanOrEqualTo(Math.max(20, outSegs / 200));
            assertThat(c.get("stream.connectionsEngaged")).isEqualTo(1);
            assertThat(c.get("stream.bytesIn")).isEqualTo(input.length);
            assertThat(c.get("stream.bytesOut")).isEqualTo(expected.length);
            // Edited output fills full segments (MSS 1448 with timestamps) instead of spilling one small segment per
            // input segment; and the FIN exchange ended the flow at once, in both edited and unedited numbering.
            long ideal = (expected.length + 1447) / 1448;
            assertThat(c.get("stream.segmentsEmitted")).as("segments emitted (ideal %d)", ideal).isLessThanOrEqualTo(ideal * 5 / 4);
            assertThat(c.get("endpointClosures")).as("ENDPOINT_CLOSURE on the FIN exchange").isEqualTo(1);
            assertThat(s.unaccounted()).isZero();
            assertThat(daemon.stop()).isZero();
        }
    }
}
