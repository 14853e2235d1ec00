package io.calloutd.callouts.redirect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calloutd.lab.DaemonProcess;
import io.calloutd.lab.LabTopology;
import io.calloutd.mgmt.cli.ApiClient;
import io.calloutd.nativebridge.NetNs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * connect-redirect from a policy file in a running gateway: the client's TCP connection to X:7100 lands on a proxy
 * listening elsewhere in the lab (P = the server host, port 9000); the proxy asks the daemon's management API for
 * the original destination of the connection it accepted (redirect.query by 5-tuple), connects onward to X itself,
 * and the client's bytes arrive at X and X's answer at the client, which believes it talks to X.
 */
class ConnectRedirectLabIT {
    static final String X = "198.18.2.100", P = LabTopology.SERVER_V4;
    static final int X_PORT = 7100, P_PORT = 9000;

    @Test
    void connectionReachesTheProxyWhichFindsTheOriginalDestination() throws Exception {
        Path dir = Files.createTempDirectory("calloutd-redirect-");
        Path socket = dir.resolve("api.sock");
        Path config = dir.resolve("policy.yaml");
        Files.writeString(config, """
                mode: gateway
                api: {socket: %s, stateDir: %s}
                callouts:
                  - {id: cr, type: connect-redirect, params: {remoteAddress: %s, remotePort: %d, protocol: tcp,
                                                              proxyAddress: %s, proxyPort: %d, targetId: 4242}}
                filters:
                  - {id: cr, layer: ALE_CONNECT_REDIRECT_V4, action: CALLOUT_UNKNOWN, callout: cr}
                """.formatted(socket, dir.resolve("state"), X, X_PORT, P, P_PORT));
        try (LabTopology lab = LabTopology.create()) {
            lab.ipIn(lab.server(), "addr", "add", X + "/24", "dev", "eth0");
            ExecutorService server = NetNs.executor(lab.server());
            ExecutorService proxy = NetNs.executor(lab.server());
            ExecutorService client = NetNs.executor(lab.client());
            List<String> seenByX = new CopyOnWriteArrayList<>();
            List<String> queries = new CopyOnWriteArrayList<>();
            try (DaemonProcess daemon = DaemonProcess.startGateway(lab, null, "--config", config.toString());
                 ServerSocket xListener = server.submit(() -> listen(X, X_PORT)).get();
                 ServerSocket pListener = proxy.submit(() -> listen(P, P_PORT)).get()) {
                // X: reads everything, answers with what it got.
                server.submit(() -> {
                    try (Socket s = xListener.accept()) {
                        byte[] got = s.getInputStream().readAllBytes();
                        seenByX.add(s.getInetAddress().getHostAddress() + " " + new String(got, StandardCharsets.US_ASCII));
                        s.getOutputStream().write(("X got " + got.length + " bytes").getBytes(StandardCharsets.US_ASCII));
                    }
                    return null;
                });
                // The proxy: accept, ask where the connection was going, connect there (from the server namespace's
                // thread: sockets take the namespace of the thread that creates them) and relay.
                proxy.submit(() -> {
                    try (Socket in = pListener.accept(); ApiClient api = new ApiClient(socket)) {
                        JsonNode r = api.call(ApiClient.request("redirect.query").put("protocol", 6)
                                .put("clientAddress", in.getInetAddress().getHostAddress()).put("clientPort", in.getPort())
                                .put("proxyAddress", P).put("proxyPort", P_PORT));
                        queries.add(r.toString());
                        JsonNode res = r.has("result") ? r.get("result") : r;
                        try (Socket out = new Socket()) {
                            out.connect(new InetSocketAddress(InetAddress.getByName(res.path("originalDestination").asText()),
                                    res.path("originalPort").asInt()), 3000);
                            relay(in.getInputStream(), out.getOutputStream());
                            out.shutdownOutput();
                            relay(out.getInputStream(), in.getOutputStream());
                        }
                    }
                    return null;
                });

                String answer = client.submit(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(InetAddress.getByName(X), X_PORT), 3000);
                        assertThat(s.getInetAddress().getHostAddress()).isEqualTo(X); // the app sees X
                        s.getOutputStream().write("hello X, via the proxy".getBytes(StandardCharsets.US_ASCII));
                        s.shutdownOutput();
                        return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                    }
                }).get(30, TimeUnit.SECONDS);

                assertThat(answer).as(daemon.log()).isEqualTo("X got 22 bytes");
                assertThat(queries).hasSize(1);
                assertThat(queries.get(0)).contains("\"found\":true", "\"originalDestination\":\"" + X + "\"",
                        "\"originalPort\":" + X_PORT, "\"targetId\":4242");
                assertThat(seenByX).hasSize(1);
                assertThat(seenByX.get(0)).endsWith(" hello X, via the proxy")
                        .doesNotStartWith(LabTopology.CLIENT_V4); // it came from the proxy, not straight from the client
                assertThat(daemon.stop()).isZero();
            } finally {
                server.shutdownNow();
                proxy.shutdownNow();
                client.shutdownNow();
            }
        }
    }

    private static ServerSocket listen(String address, int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        return s;
    }

    private static void relay(InputStream from, OutputStream to) throws IOException {
        from.transferTo(to);
        to.flush();
    }
}
