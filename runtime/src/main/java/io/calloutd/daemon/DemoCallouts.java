package io.calloutd.daemon;

import io.calloutd.lab.LabTopology;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The callout part of {@code calloutd demo}: a policy with two built-in callouts (a stream edit and a connect
 * redirect) and the real connections that show them working across the lab.
 */
final class DemoCallouts {
    /** Nobody in the lab has this address: a connection to it only works because the daemon redirects it. */
    static final String REDIRECTED = "198.18.2.200";
    static final int REDIRECTED_PORT = 7100;
    static final int SERVICE_PORT = 7200;
    static final int WEATHER_PORT = 8888;
    static final String FORECAST = "today: rainy; tomorrow: rainy\n";

    private DemoCallouts() { }

    /** Writes the demo policy into {@code dir} and returns its path. */
    static Path writePolicy(Path dir) throws IOException {
        Path config = dir.resolve("policy.yaml");
        Files.writeString(config, """
                mode: gateway
                api: {socket: %1$s, stateDir: %2$s}
                callouts:
                  - {id: weather, type: stmedit, params: {port: 0, remotePort: %3$d, find: rainy, replace: "sunny and warm"}}
                  - {id: to-server, type: connect-redirect, params: {remoteAddress: %4$s, remotePort: %5$d, protocol: tcp,
                                                                     proxyAddress: %6$s, proxyPort: %7$d}}
                filters:
                  - {id: weather-v4, layer: STREAM_V4, action: CALLOUT_TERMINATING, callout: weather,
                     conditions: [{field: IP_REMOTE_PORT, value: %3$d}]}
                  - {id: redirect-v4, layer: ALE_CONNECT_REDIRECT_V4, action: CALLOUT_UNKNOWN, callout: to-server}
                """.formatted(dir.resolve("api.sock"), dir.resolve("state"), WEATHER_PORT, REDIRECTED, REDIRECTED_PORT,
                LabTopology.SERVER_V4, SERVICE_PORT));
        return config;
    }

    /** The server sends {@link #FORECAST} on port 8888; returns what the client read. */
    static String streamEdit(LabTopology lab) throws Exception {
        ExecutorService server = NetNs.executor(lab.server());
        ExecutorService client = NetNs.executor(lab.client());
        try (ServerSocket listener = server.submit(() -> listen(WEATHER_PORT)).get()) {
            Future<?> serving = server.submit(() -> {
                try (Socket s = listener.accept(); OutputStream o = s.getOutputStream()) {
                    o.write(FORECAST.getBytes(StandardCharsets.US_ASCII));
                }
                return null;
            });
            String got = client.submit(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(LabTopology.SERVER_V4, WEATHER_PORT), 5000);
                    s.setSoTimeout(10_000);
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                }
            }).get(20, TimeUnit.SECONDS);
            serving.get(10, TimeUnit.SECONDS);
            return got;
        } finally {
            server.shutdownNow();
            client.shutdownNow();
        }
    }

    /** The client connects to {@link #REDIRECTED}:7100 and says hello; returns the server's answer. */
    static String redirect(LabTopology lab) throws Exception {
        ExecutorService server = NetNs.executor(lab.server());
        ExecutorService client = NetNs.executor(lab.client());
        try (ServerSocket listener = server.submit(() -> listen(SERVICE_PORT)).get()) {
            Future<?> serving = server.submit(() -> {
                try (Socket s = listener.accept()) {
                    s.setSoTimeout(10_000);
                    byte[] hello = readLine(s.getInputStream());
                    String answer = "server " + s.getLocalSocketAddress() + " got '" + new String(hello,
                            StandardCharsets.US_ASCII).trim() + "' from " + s.getRemoteSocketAddress() + "\n";
                    s.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                }
                return null;
            });
            String got = client.submit(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(REDIRECTED, REDIRECTED_PORT), 5000);
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
                    return "client connected to " + s.getRemoteSocketAddress() + ", "
                            + new String(readLine(s.getInputStream()), StandardCharsets.US_ASCII).trim();
                }
            }).get(20, TimeUnit.SECONDS);
            serving.get(10, TimeUnit.SECONDS);
            return got;
        } finally {
            server.shutdownNow();
            client.shutdownNow();
        }
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(LabTopology.SERVER_V4), port));
        return s;
    }

    private static byte[] readLine(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            b.write(c);
        }
        return b.toByteArray();
    }
}
