package io.calloutd.callouts.ddproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.lab.DaemonProcess;
import io.calloutd.lab.LabTopology;
import io.calloutd.lab.Traffic;
import io.calloutd.nativebridge.NetNs;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ddproxy configured from a policy file in a running gateway (check 70 with real peers): a client's datagrams to
 * A:5001 reach a real UDP echo server at B:6001 and its replies arrive as from A:5001; a datagram to A:7000 reaches
 * A unchanged; in ICMP mode a ping to an address nobody has is answered by B, as from that address.
 */
class DdProxyLabIT {
    static final String A = "198.18.2.100", A_ICMP = "198.18.2.101", B = LabTopology.SERVER_V4;

    static final String POLICY = """
            mode: gateway
            callouts:
              - {id: dd, type: ddproxy, params: {destinationAddressToIntercept: %1$s, destinationPortToIntercept: 5001,
                                                  newDestinationAddress: %3$s, newDestinationPort: 6001}}
              - {id: ddicmp, type: ddproxy, params: {inspectUdp: false, destinationAddressToIntercept: %2$s,
                                                      newDestinationAddress: %3$s}}
            filters:
              - {id: dd-flow-original, layer: ALE_FLOW_ESTABLISHED_V4, action: CALLOUT_TERMINATING, callout: dd,
                 conditions: [{field: IP_PROTOCOL, value: udp}, {field: IP_REMOTE_ADDRESS, value: %1$s},
                              {field: IP_REMOTE_PORT, value: 5001}]}
              - {id: dd-flow-proxy, layer: ALE_FLOW_ESTABLISHED_V4, action: CALLOUT_TERMINATING, callout: dd,
                 conditions: [{field: IP_PROTOCOL, value: udp}, {field: IP_REMOTE_ADDRESS, value: %3$s},
                              {field: IP_REMOTE_PORT, value: 6001}]}
              - {id: dd-data-out, layer: DATAGRAM_DATA_V4, action: CALLOUT_TERMINATING, callout: dd,
                 conditions: [{field: IP_PROTOCOL, value: udp}, {field: IP_REMOTE_ADDRESS, value: %1$s},
                              {field: IP_REMOTE_PORT, value: 5001}, {field: DIRECTION, value: 0}]}
              - {id: dd-data-in, layer: DATAGRAM_DATA_V4, action: CALLOUT_TERMINATING, callout: dd,
                 conditions: [{field: IP_PROTOCOL, value: udp}, {field: IP_REMOTE_ADDRESS, value: %3$s},
                              {field: IP_REMOTE_PORT, value: 6001}, {field: DIRECTION, value: 1}]}
              - {id: icmp-flow-original, layer: ALE_FLOW_ESTABLISHED_V4, action: CALLOUT_TERMINATING, callout: ddicmp,
                 conditions: [{field: IP_PROTOCOL, value: icmp}, {field: IP_REMOTE_ADDRESS, value: %2$s}]}
              - {id: icmp-flow-proxy, layer: ALE_FLOW_ESTABLISHED_V4, action: CALLOUT_TERMINATING, callout: ddicmp,
                 conditions: [{field: IP_PROTOCOL, value: icmp}, {field: IP_REMOTE_ADDRESS, value: %3$s}]}
              - {id: icmp-data-out, layer: DATAGRAM_DATA_V4, action: CALLOUT_TERMINATING, callout: ddicmp,
                 conditions: [{field: IP_PROTOCOL, value: icmp}, {field: IP_REMOTE_ADDRESS, value: %2$s},
                              {field: DIRECTION, value: 0}]}
              - {id: icmp-data-in, layer: DATAGRAM_DATA_V4, action: CALLOUT_TERMINATING, callout: ddicmp,
                 conditions: [{field: IP_PROTOCOL, value: icmp}, {field: IP_REMOTE_ADDRESS, value: %3$s},
                              {field: DIRECTION, value: 1}]}
            """.formatted(A, A_ICMP, B);

    @Test
    void check70_udpToAIsServedByBAndRepliesComeFromA_pingToo() throws Exception {
        Path dir = Files.createTempDirectory("calloutd-ddproxy-");
        Path config = dir.resolve("policy.yaml");
        Files.writeString(config, POLICY);
        try (LabTopology lab = LabTopology.create()) {
            lab.ipIn(lab.server(), "addr", "add", A + "/24", "dev", "eth0"); // A exists: a datagram to A:7000 can land
            ExecutorService server = NetNs.executor(lab.server());
            ExecutorService client = NetNs.executor(lab.client());
            ExecutorService echoer = NetNs.executor(lab.server()); // the echo loop keeps its own thread
            try (DaemonProcess daemon = DaemonProcess.startGateway(lab, null, "--config", config.toString());
                 DatagramSocket echo = server.submit(() -> new DatagramSocket(new InetSocketAddress(InetAddress.getByName(B), 6001))).get();
                 DatagramSocket atA5001 = server.submit(() -> new DatagramSocket(new InetSocketAddress(InetAddress.getByName(A), 5001))).get();
                 DatagramSocket atA7000 = server.submit(() -> new DatagramSocket(new InetSocketAddress(InetAddress.getByName(A), 7000))).get()) {
                List<String> echoedFrom = Collections.synchronizedList(new ArrayList<>());
                Future<?> echoing = echoer.submit(() -> {
                    byte[] buf = new byte[2048];
                    while (!echo.isClosed()) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        echo.receive(p);
                        echoedFrom.add(p.getAddress().getHostAddress());
                        echo.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                    }
                    return null;
                });

                // The client talks to A:5001 and hears from A:5001.
                List<String> replies = client.submit(() -> {
                    List<String> got = new ArrayList<>();
                    try (DatagramSocket s = new DatagramSocket()) {
                        s.setSoTimeout(2000);
                        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName(A), 5001);
                        for (int i = 0; i < 5; i++) {
                            byte[] m = ("ddproxy-" + i).getBytes(StandardCharsets.US_ASCII);
                            s.send(new DatagramPacket(m, m.length, a));
                            DatagramPacket r = new DatagramPacket(new byte[2048], 2048);
                            try {
                                s.receive(r);
                                got.add(r.getSocketAddress() + " " + new String(r.getData(), 0, r.getLength(), StandardCharsets.US_ASCII));
                            } catch (SocketTimeoutException e) {
                                got.add("timeout");
                            }
                        }
                        // Not intercepted: the port condition fails.
                        byte[] m = "to-7000".getBytes(StandardCharsets.US_ASCII);
                        s.send(new DatagramPacket(m, m.length, new InetSocketAddress(InetAddress.getByName(A), 7000)));
                    }
                    return got;
                }).get(30, TimeUnit.SECONDS);
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    expected.add("/" + A + ":5001 ddproxy-" + i);
                }
                assertThat(replies).as(daemon.log()).containsExactlyElementsOf(expected);
                assertThat(echoedFrom).containsOnly(LabTopology.CLIENT_V4).hasSize(5); // B saw the client itself

                String at7000 = server.submit(() -> {
                    atA7000.setSoTimeout(3000);
                    DatagramPacket r = new DatagramPacket(new byte[2048], 2048);
                    atA7000.receive(r);
                    return r.getAddress().getHostAddress() + " " + new String(r.getData(), 0, r.getLength(), StandardCharsets.US_ASCII);
                }).get(10, TimeUnit.SECONDS);
                assertThat(at7000).isEqualTo(LabTopology.CLIENT_V4 + " to-7000");
                boolean nothingAt5001 = server.submit(() -> {
                    atA5001.setSoTimeout(300);
                    try {
                        atA5001.receive(new DatagramPacket(new byte[64], 64));
                        return false;
                    } catch (SocketTimeoutException e) {
                        return true;
                    }
                }).get(10, TimeUnit.SECONDS);
                assertThat(nothingAt5001).as("A:5001 itself never sees the proxied datagrams").isTrue();

                // ICMP mode: nobody has A_ICMP; B answers, as A_ICMP.
                assertThat(Traffic.ping(lab.client(), A_ICMP, 3, 56)).as(daemon.log()).isEqualTo(3);

                Thread.sleep(500);
                var stats = daemon.stats();
                assertThat(daemon.stop()).isZero();
                echo.close();
                echoing.cancel(true);
                assertThat(stats).isNotNull();
            } finally {
                server.shutdownNow();
                client.shutdownNow();
                echoer.shutdownNow();
            }
        }
    }
}
