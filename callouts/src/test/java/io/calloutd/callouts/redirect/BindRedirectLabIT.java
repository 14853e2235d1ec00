package io.calloutd.callouts.redirect;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.daemon.StatsSnapshot;
import io.calloutd.lab.DaemonProcess;
import io.calloutd.lab.LabTopology;
import io.calloutd.lab.Traffic;
import io.calloutd.nativebridge.NetNs;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * bind-redirect from a policy file in a running gateway, with real sockets on both sides: the protected client's
 * matching TCP connections and UDP flows reach the server from the new local endpoint (the server's own sockets see
 * the rewritten source), the server's replies to that endpoint are translated back (the client's connection works,
 * bytes intact), and flows that do not match — another client address, another UDP port, ping — are untouched;
 * over IPv6 too (one callout for every protocol: TCP, UDP and the ping's echo flow).
 * The new address is not on any link: the server's default route (via the firewall) brings replies back to the
 * gateway, whose steering rules hand them to the daemon.
 */
class BindRedirectLabIT {
    static final String C = LabTopology.CLIENT_V4, S = LabTopology.SERVER_V4;
    static final String C2 = "198.18.1.3"; // a second client address (added in the client namespace): not redirected
    static final String C3 = "198.18.1.4"; // a third client address whose TCP flows from one port get a new port too
    static final String NEW = "198.19.7.7";
    static final int TCP_LOCAL = 47001, TCP_NEW_LOCAL = 48001;
    static final int TCP_PORT = 7201, UDP_PORT = 7301, UDP_LOCAL = 45001, UDP_NEW_LOCAL = 46001, UDP_OTHER_LOCAL = 45002;

    static String policy(Path dir) {
        return """
                callouts:
                  - {id: br-tcp, type: bind-redirect, params: {localAddress: %1$s, protocol: tcp, newLocalAddress: %2$s}}
                  - {id: br-udp, type: bind-redirect, params: {localAddress: %1$s, localPort: %3$d, protocol: udp,
                                                               newLocalAddress: %2$s, newLocalPort: %4$d}}
                  - {id: br-tcp-port, type: bind-redirect, params: {localAddress: %5$s, localPort: %6$d, protocol: tcp,
                                                                    newLocalAddress: %2$s, newLocalPort: %7$d}}
                filters:
                  - {id: br-tcp, layer: ALE_BIND_REDIRECT_V4, action: CALLOUT_UNKNOWN, callout: br-tcp,
                     conditions: [{field: IP_PROTOCOL, value: tcp}]}
                  - {id: br-udp, layer: ALE_BIND_REDIRECT_V4, action: CALLOUT_UNKNOWN, callout: br-udp,
                     conditions: [{field: IP_PROTOCOL, value: udp}]}
                  - {id: br-tcp-port, layer: ALE_BIND_REDIRECT_V4, action: CALLOUT_UNKNOWN, callout: br-tcp-port,
                     conditions: [{field: IP_PROTOCOL, value: tcp}]}
                """.formatted(C, NEW, UDP_LOCAL, UDP_NEW_LOCAL, C3, TCP_LOCAL, TCP_NEW_LOCAL);
    }

    @Test
    void tcpConnectionsLeaveFromTheNewLocalAddressAndWorkBothWays() throws Exception {
        Path dir = Files.createTempDirectory("calloutd-bindredirect-");
        try (LabTopology lab = LabTopology.create()) {
            lab.ipIn(lab.client(), "addr", "add", C2 + "/24", "dev", "eth0");
            lab.ipIn(lab.client(), "addr", "add", C3 + "/24", "dev", "eth0");
            Files.writeString(dir.resolve("policy.yaml"), policy(dir));
            ExecutorService server = NetNs.executor(lab.server());
            ExecutorService client = NetNs.executor(lab.client());
            try (DaemonProcess daemon = DaemonProcess.startGateway(lab, null, "--config", dir.resolve("policy.yaml").toString());
                 ServerSocket listener = server.submit(() -> listen(S, TCP_PORT)).get(10, TimeUnit.SECONDS)) {
                // Redirected: the client binds C:p itself, so the port the server must see (kept) is known.
                Exchange redirected = tcpExchange(server, client, listener, S, C, 0, 150_000);
                assertThat(redirected.seenByServer()).as("source the server saw; log:\n" + daemon.log())
                        .isEqualTo(new InetSocketAddress(InetAddress.getByName(NEW), redirected.clientLocal().getPort()));
                assertThat(redirected.clientLocal().getAddress().getHostAddress()).isEqualTo(C); // the client never knew
                assertThat(redirected.echoIntact()).as("150 KB echoed back intact").isTrue();

                // Not matched (another local address): untouched.
                // New address and new port (the port rewrite changes the TCP checksum as well as the pseudo-header).
                Exchange ported = tcpExchange(server, client, listener, S, C3, TCP_LOCAL, 100_000);
                assertThat(ported.seenByServer()).isEqualTo(new InetSocketAddress(InetAddress.getByName(NEW), TCP_NEW_LOCAL));
                assertThat(ported.clientLocal()).isEqualTo(new InetSocketAddress(InetAddress.getByName(C3), TCP_LOCAL));
                assertThat(ported.echoIntact()).isTrue();

                // Not matched (another local address; the same port from C3 is matched, so use C2): untouched.
                Exchange other = tcpExchange(server, client, listener, S, C2, TCP_LOCAL, 20_000);
                assertThat(other.seenByServer()).isEqualTo(other.clientLocal());
                assertThat(other.echoIntact()).isTrue();
                assertThat(Traffic.ping(lab.client(), S, 3, 56)).isEqualTo(3);

                Map<String, Object> tcp = awaitStatus(daemon, "br-tcp");
                assertThat(tcp).as(tcp.toString()).containsEntry("redirected", 1).containsEntry("noWriteRight", 0);
                assertThat(awaitStatus(daemon, "br-tcp-port")).containsEntry("redirected", 1).containsEntry("noWriteRight", 0);
                assertThat(daemon.stop()).isZero();
            } finally {
                server.shutdownNow();
                client.shutdownNow();
            }
        } finally {
            deleteTree(dir);
        }
    }

    @Test
    void udpFlowLeavesFromTheNewLocalEndpointAndRepliesComeBack() throws Exception {
        Path dir = Files.createTempDirectory("calloutd-bindredirect-");
        try (LabTopology lab = LabTopology.create()) {
            Files.writeString(dir.resolve("policy.yaml"), policy(dir));
            ExecutorService server = NetNs.executor(lab.server());
            ExecutorService client = NetNs.executor(lab.client());
            try (DaemonProcess daemon = DaemonProcess.startGateway(lab, null, "--config", dir.resolve("policy.yaml").toString());
                 DatagramSocket rx = server.submit(() -> {
                     DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(S), UDP_PORT));
                     s.setSoTimeout(300);
                     return s;
                 }).get(10, TimeUnit.SECONDS)) {
                List<InetSocketAddress> sources = new ArrayList<>();
                Future<Integer> echoes = server.submit(() -> {
                    int n = 0;
                    byte[] buf = new byte[2048];
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                    while (n < 10 && System.nanoTime() < deadline) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        try {
                            rx.receive(p);
                        } catch (SocketTimeoutException idle) {
                            continue;
                        }
                        synchronized (sources) {
                            sources.add((InetSocketAddress) p.getSocketAddress());
                        }
                        rx.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress())); // to what it saw
                        n++;
                    }
                    return n;
                });
                int redirectedOk = client.submit(() -> udpEchoes(S, C, UDP_LOCAL, 5, 700)).get(30, TimeUnit.SECONDS);
                int otherOk = client.submit(() -> udpEchoes(S, C, UDP_OTHER_LOCAL, 5, 300)).get(30, TimeUnit.SECONDS);
                assertThat(echoes.get(20, TimeUnit.SECONDS)).as("datagrams the server got; log:\n" + daemon.log()).isEqualTo(10);
                assertThat(redirectedOk).as("echoes back at C:" + UDP_LOCAL + " from S:" + UDP_PORT + ", intact").isEqualTo(5);
                assertThat(otherOk).isEqualTo(5);
                synchronized (sources) {
                    InetSocketAddress newLocal = new InetSocketAddress(InetAddress.getByName(NEW), UDP_NEW_LOCAL);
                    InetSocketAddress untouched = new InetSocketAddress(InetAddress.getByName(C), UDP_OTHER_LOCAL);
                    assertThat(sources.subList(0, 5)).containsOnly(newLocal);
                    assertThat(sources.subList(5, 10)).containsOnly(untouched);
                }
                assertThat(Traffic.ping(lab.client(), S, 3, 56)).isEqualTo(3);
                Map<String, Object> udp = awaitStatus(daemon, "br-udp");
                assertThat(udp).as(udp.toString()).containsEntry("redirected", 1).containsEntry("noWriteRight", 0);
                assertThat(daemon.stop()).isZero();
            } finally {
                server.shutdownNow();
                client.shutdownNow();
            }
        } finally {
            deleteTree(dir);
        }
    }

    @Test
    void ipv6TcpAndUdpLeaveFromTheNewLocalAddressAndWorkBothWays() throws Exception {
        String c6 = LabTopology.CLIENT_V6, s6 = LabTopology.SERVER_V6, new6 = "fd00:9::7";
        Path dir = Files.createTempDirectory("calloutd-bindredirect6-");
        try (LabTopology lab = LabTopology.create()) {
            Files.writeString(dir.resolve("policy.yaml"), """
                    callouts:
                      - {id: br6, type: bind-redirect, params: {localAddress: "%s", newLocalAddress: "%s"}}
                    filters:
                      - {id: br6, layer: ALE_BIND_REDIRECT_V6, action: CALLOUT_UNKNOWN, callout: br6}
                    """.formatted(c6, new6));
            ExecutorService server = NetNs.executor(lab.server());
            ExecutorService client = NetNs.executor(lab.client());
            try (DaemonProcess daemon = DaemonProcess.startGateway(lab, null, "--config", dir.resolve("policy.yaml").toString());
                 ServerSocket listener = server.submit(() -> listen(s6, TCP_PORT)).get(10, TimeUnit.SECONDS);
                 DatagramSocket rx = server.submit(() -> {
                     DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(s6), UDP_PORT));
                     s.setSoTimeout(300);
                     return s;
                 }).get(10, TimeUnit.SECONDS)) {
                Exchange tcp = tcpExchange(server, client, listener, s6, c6, 0, 100_000);
                assertThat(tcp.seenByServer()).as("source the server saw; log:\n" + daemon.log())
                        .isEqualTo(new InetSocketAddress(InetAddress.getByName(new6), tcp.clientLocal().getPort()));
                assertThat(tcp.echoIntact()).isTrue();

                Future<InetSocketAddress> seen = server.submit(() -> {
                    InetSocketAddress from = null;
                    byte[] buf = new byte[2048];
                    for (int n = 0; n < 5; ) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        try {
                            rx.receive(p);
                        } catch (SocketTimeoutException idle) {
                            continue;
                        }
                        from = (InetSocketAddress) p.getSocketAddress();
                        rx.send(new DatagramPacket(p.getData(), p.getLength(), from));
                        n++;
                    }
                    return from;
                });
                int ok = client.submit(() -> udpEchoes(s6, c6, UDP_LOCAL, 5, 900)).get(30, TimeUnit.SECONDS);
                assertThat(seen.get(20, TimeUnit.SECONDS)).isEqualTo(new InetSocketAddress(InetAddress.getByName(new6), UDP_LOCAL));
                assertThat(ok).as("UDP echoes back intact (IPv6: the UDP checksum is mandatory)").isEqualTo(5);
                // protocol any: the ping's echo flow is redirected too (the third), and its replies are translated back.
                assertThat(Traffic.ping(lab.client(), s6, 3, 56)).isEqualTo(3);
                assertThat(awaitStatus(daemon, "br6")).containsEntry("redirected", 3).containsEntry("noWriteRight", 0);
                assertThat(daemon.stop()).isZero();
            } finally {
                server.shutdownNow();
                client.shutdownNow();
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** One TCP connection as both ends saw it. */
    record Exchange(InetSocketAddress clientLocal, InetSocketAddress seenByServer, boolean echoIntact) { }

    /** The client (bound to {@code from:fromPort}, 0 = any port) sends {@code bytes} random bytes; the server echoes them; both ends report. */
    private static Exchange tcpExchange(ExecutorService server, ExecutorService client, ServerSocket listener, String to,
                                       String from, int fromPort, int bytes) throws Exception {
        Future<InetSocketAddress> seen = server.submit(() -> {
            try (Socket s = listener.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] got = new byte[bytes];
                in.readFully(got);
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.write(got);
                out.flush();
                return (InetSocketAddress) s.getRemoteSocketAddress();
            }
        });
        Object[] c = client.submit(() -> {
            try (Socket s = new Socket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(from), fromPort));
                s.connect(new InetSocketAddress(InetAddress.getByName(to), TCP_PORT), 5000);
                s.setSoTimeout(20_000);
                byte[] sent = new byte[bytes];
                new Random(bytes).nextBytes(sent);
                s.getOutputStream().write(sent);
                s.getOutputStream().flush();
                byte[] back = new byte[bytes];
                new DataInputStream(s.getInputStream()).readFully(back);
                return new Object[] {s.getLocalSocketAddress(), Arrays.equals(sent, back)};
            }
        }).get(60, TimeUnit.SECONDS);
        return new Exchange((InetSocketAddress) c[0], seen.get(30, TimeUnit.SECONDS), (Boolean) c[1]);
    }

    /** From a socket bound to from:port, sends {@code count} datagrams to server:UDP_PORT and counts intact echoes from it. */
    private static int udpEchoes(String server, String from, int port, int count, int size) throws IOException {
        try (DatagramSocket c = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(from), port))) {
            c.setSoTimeout(2000);
            InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(server), UDP_PORT);
            Random random = new Random(port);
            byte[] payload = new byte[size];
            byte[] back = new byte[2048];
            int ok = 0;
            for (int i = 0; i < count; i++) {
                random.nextBytes(payload);
                c.send(new DatagramPacket(payload, size, to));
                DatagramPacket p = new DatagramPacket(back, back.length);
                try {
                    c.receive(p);
                } catch (SocketTimeoutException lost) {
                    continue;
                }
                if (p.getSocketAddress().equals(to) && p.getLength() == size && Arrays.equals(back, 0, size, payload, 0, size)) {
                    ok++;
                }
            }
            return ok;
        }
    }

    private static ServerSocket listen(String address, int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        return s;
    }

    /** The callout's status once the stats file has caught up (written every 200 ms). */
    private static Map<String, Object> awaitStatus(DaemonProcess daemon, String id) throws Exception {
        Thread.sleep(500);
        StatsSnapshot s = daemon.stats();
        Map<String, Object> m = s.calloutInstances().get(id);
        assertThat(m).as("callout instance " + id + " in " + s.calloutInstances().keySet()).isNotNull();
        @SuppressWarnings("unchecked") Map<String, Object> st = m.get("status") instanceof Map<?, ?>
                ? (Map<String, Object>) m.get("status") : m;
        return st;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
