package io.calloutd.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs iperf3 between lab namespaces and reads its JSON report. */
public final class Iperf {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Iperf() {
    }

    /** TCP throughput from the client to the server, in bits per second as received. */
    public static double tcpBitsPerSecond(LabTopology lab, String serverAddress, int seconds) throws IOException {
        JsonNode r = run(lab, serverAddress, seconds, List.of());
        return r.path("end").path("sum_received").path("bits_per_second").asDouble();
    }

    /**
     * UDP packets per second delivered to the server with unlimited send rate.
     *
     * @param payload UDP payload bytes per datagram
     */
    public static double udpPacketsPerSecond(LabTopology lab, String serverAddress, int seconds, int payload) throws IOException {
        JsonNode sum = run(lab, serverAddress, seconds, List.of("-u", "-b", "0", "-l", Integer.toString(payload))).path("end").path("sum");
        double delivered = sum.path("packets").asDouble() - sum.path("lost_packets").asDouble();
        return delivered / sum.path("seconds").asDouble(seconds);
    }

    private static JsonNode run(LabTopology lab, String serverAddress, int seconds, List<String> extra) throws IOException {
        Process server = new ProcessBuilder("ip", "netns", "exec", lab.server(), "iperf3", "-s", "-1", "-B", serverAddress)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            sleep(400);
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lab.client(), "iperf3", "-J", "-c", serverAddress,
                    "-t", Integer.toString(seconds)));
            cmd.addAll(extra);
            Process client = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!client.waitFor(seconds + 30L, TimeUnit.SECONDS) || client.exitValue() != 0) {
                throw new IOException("iperf3 failed: " + out);
            }
            return JSON.readTree(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            server.destroyForcibly();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
