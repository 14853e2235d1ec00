package io.calloutd.callouts.lab;

import static io.calloutd.callouts.lab.LabSupport.num;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.daemon.StatsSnapshot;
import io.calloutd.lab.DaemonProcess;
import io.calloutd.lab.LabTopology;
import io.calloutd.nativebridge.NetNs;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Stealth and rate limiting in a real gateway: a connect from outside to a closed port of the protected host times
 * out instead of being refused, a UDP datagram to a closed port draws no ICMP error; then new connections from one
 * source beyond the bucket are blocked.
 */
class RateLimitStealthLabIT {
    static final String POLICY = """
            callouts:
              - {id: stealth, type: stealth}
              - {id: limit, type: rate-limit, params: {rate: 1, burst: 3}}
            filters:
              - {id: stealth-tcp, layer: INBOUND_TRANSPORT_V4_DISCARD, action: CALLOUT_TERMINATING, callout: stealth}
              - {id: stealth-udp, layer: INBOUND_IPPACKET_V4_DISCARD, action: CALLOUT_TERMINATING, callout: stealth}
              - {id: limit-syn, layer: ALE_AUTH_RECV_ACCEPT_V4, action: CALLOUT_TERMINATING, callout: limit,
                 conditions: [{field: IP_LOCAL_PORT, value: 5351}]}
            """;

    /** What a connect from the server namespace to the client's closed port sees. */
    static String closedPortConnect(String ns, String to, int port) throws Exception {
        ExecutorService t = NetNs.executor(ns);
        try {
            return t.submit(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getByName(to), port), 1500);
                    return "connected";
                } catch (ConnectException e) {
                    return "refused";
                } catch (SocketTimeoutException e) {
                    return "timeout";
                }
            }).get(20, TimeUnit.SECONDS);
        } finally {
            t.shutdownNow();
        }
    }

    /** Sends to a closed UDP port on a connected socket: an ICMP port unreachable shows as an exception on receive. */
    static String closedUdpPort(String ns, String to, int port) throws Exception {
        ExecutorService t = NetNs.executor(ns);
        try {
            return t.submit(() -> {
                try (DatagramSocket s = new DatagramSocket()) {
                    s.connect(new InetSocketAddress(InetAddress.getByName(to), port));
                    s.setSoTimeout(1500);
                    s.send(new DatagramPacket(new byte[8], 8));
                    s.receive(new DatagramPacket(new byte[64], 64));
                    return "answered";
                } catch (PortUnreachableException e) {
                    return "unreachable";
                } catch (SocketTimeoutException e) {
                    return "timeout";
                } catch (IOException e) {
                    return e.toString();
                }
            }).get(20, TimeUnit.SECONDS);
        } finally {
            t.shutdownNow();
        }
    }

    @Test
    void closedPortsLookFilteredAndNewConnectionsPerSourceAreRateLimited() throws Exception {
        Path dir = Files.createTempDirectory("calloutd-stealth-");
        try (LabTopology lab = LabTopology.create()) {
            // Without the daemon's policy the protected host answers: refused / unreachable (the baseline).
            try (DaemonProcess plain = DaemonProcess.startGateway(lab, null)) {
                assertThat(closedPortConnect(lab.server(), LabTopology.CLIENT_V4, 5350)).isEqualTo("refused");
                assertThat(closedUdpPort(lab.server(), LabTopology.CLIENT_V4, 5350)).isEqualTo("unreachable");
            }
            try (DaemonProcess daemon = DaemonProcess.startGateway(lab, null, "--config", LabSupport.policy(dir, POLICY).toString())) {
                assertThat(closedPortConnect(lab.server(), LabTopology.CLIENT_V4, 5350)).as("log:\n" + daemon.log()).isEqualTo("timeout");
                assertThat(closedUdpPort(lab.server(), LabTopology.CLIENT_V4, 5350)).isEqualTo("timeout");
                // Rate limit: 3 connections in a burst pass, the next ones within the second are blocked.
                int ok = 0;
                for (int i = 0; i < 5; i++) {
                    if (LabSupport.connects(lab.server(), null, lab.client(), LabTopology.CLIENT_V4, 5351, 700)) ok++;
                }
                Thread.sleep(600);
                StatsSnapshot s = daemon.stats();
                Map<String, Object> stealth = LabSupport.status(s, "stealth"), limit = LabSupport.status(s, "limit");
                assertThat(num(stealth, "resetsSuppressed")).as(stealth.toString()).isGreaterThanOrEqualTo(1);
                assertThat(num(stealth, "icmpUnreachableSuppressed")).isEqualTo(1);
                assertThat(s.classifier().get("resetsSuppressed")).isGreaterThanOrEqualTo(1);
                assertThat(ok).as(limit.toString()).isBetween(3, 4); // 3 from the burst, maybe 1 refilled meanwhile
                assertThat(num(limit, "limited")).isGreaterThanOrEqualTo(1);
                assertThat(num(limit, "allowed")).isEqualTo(ok);
                assertThat(num(limit, "sources")).isEqualTo(1);
                assertThat(daemon.stop()).isZero();
            }
        } finally {
            LabSupport.delete(dir);
        }
    }
}
