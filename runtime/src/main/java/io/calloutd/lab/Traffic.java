package io.calloutd.lab;

import io.calloutd.nativebridge.IpCommand;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real traffic between lab namespaces: the kernel's ping, and TCP/UDP from Java sockets opened on threads that
 * entered the namespace (so no external tools are needed to check bytes and hashes).
 */
public final class Traffic {
    private static final Pattern RECEIVED = Pattern.compile("(\\d+) (?:packets )?received");

    private Traffic() {
    }

    /**
     * Runs {@code ping} in a namespace.
     *
     * @param payloadSize ICMP payload bytes ({@code -s}); sizes above the MTU make the sender fragment
     * @return echo replies received
     */
    public static int ping(String ns, String address, int count, int payloadSize) throws IOException {
        String out;
        try {
            out = IpCommand.run("netns", "exec", ns, "ping", address.contains(":") ? "-6" : "-4", "-c",
                    Integer.toString(count), "-i", "0.2", "-W", "2", "-s", Integer.toString(payloadSize), address);
        } catch (IOException failed) {
            out = failed.getMessage(); // ping exits 1 when replies are missing; the summary is in the message
        }
        Matcher m = RECEIVED.matcher(out);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** Outcome of a TCP transfer: what was sent and what arrived, with their SHA-256. */
    public record TcpResult(long bytesSent, String sentSha256, long bytesReceived, String receivedSha256, long nanos) {
        /** @return true when every byte arrived intact */
        public boolean intact() {
            return bytesSent == bytesReceived && sentSha256.equals(receivedSha256);
        }

        /** @return throughput in Mbit/s */
        public double mbitPerSecond() {
            return bytesReceived * 8.0 / (nanos / 1e9) / 1e6;
        }
    }

    /**
     * Sends {@code bytes} pseudo-random bytes from the server namespace to a client that connects from the
     * client namespace, hashing both ends.
     */
    public static TcpResult tcpDownload(String clientNs, String serverNs, String serverAddress, int port, long bytes)
            throws Exception {
        ExecutorService serverThread = NetNs.executor(serverNs);
        ExecutorService clientThread = NetNs.executor(clientNs);
        try {
            ServerSocket listener = serverThread.submit(() -> {
                ServerSocket s = new ServerSocket();
                s.bind(new InetSocketAddress(InetAddress.getByName(serverAddress), port));
                s.setSoTimeout(30_000);
                return s;
            }).get(10, TimeUnit.SECONDS);
            try (listener) {
                Future<String[]> sent = serverThread.submit(() -> {
                    try (Socket s = listener.accept(); OutputStream out = s.getOutputStream()) {
                        MessageDigest sha = sha256();
                        Random random = new Random(port);
                        byte[] chunk = new byte[64 * 1024];
                        long left = bytes;
                        while (left > 0) {
                            random.nextBytes(chunk);
                            int n = (int) Math.min(chunk.length, left);
                            out.write(chunk, 0, n);
                            sha.update(chunk, 0, n);
                            left -= n;
                        }
                        return new String[] {Long.toString(bytes), HexFormat.of().formatHex(sha.digest())};
                    }
                });
                long start = System.nanoTime();
                Future<String[]> received = clientThread.submit(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(InetAddress.getByName(serverAddress), port), 10_000);
                        s.setSoTimeout(30_000);
                        MessageDigest sha = sha256();
                        long total = 0;
                        byte[] buf = new byte[64 * 1024];
                        try (InputStream in = s.getInputStream()) {
                            int n;
                            while ((n = in.read(buf)) > 0) {
                                sha.update(buf, 0, n);
                                total += n;
                            }
                        }
                        return new String[] {Long.toString(total), HexFormat.of().formatHex(sha.digest())};
                    }
                });
                String[] r = received.get(120, TimeUnit.SECONDS);
                long nanos = System.nanoTime() - start;
                String[] s = sent.get(10, TimeUnit.SECONDS);
                return new TcpResult(Long.parseLong(s[0]), s[1], Long.parseLong(r[0]), r[1], nanos);
            }
        } finally {
            serverThread.shutdownNow();
            clientThread.shutdownNow();
        }
    }

    /** Outcome of a UDP echo exchange. */
    public record UdpResult(int sent, int echoedIntact, int serverReceived) {
    }

    /**
     * The client sends {@code count} datagrams of {@code size} bytes to a UDP echo server in the server
     * namespace; the server returns each one. Counts datagrams that came back byte-identical.
     */
    public static UdpResult udpEcho(String clientNs, String serverNs, String serverAddress, int port, int count, int size)
            throws Exception {
        ExecutorService serverThread = NetNs.executor(serverNs);
        ExecutorService clientThread = NetNs.executor(clientNs);
        try {
            DatagramSocket server = serverThread.submit(() -> {
                DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(serverAddress), port));
                s.setSoTimeout(500);
                return s;
            }).get(10, TimeUnit.SECONDS);
            try (server) {
                Future<Integer> echoes = serverThread.submit(() -> {
                    byte[] buf = new byte[65535];
                    int n = 0;
                    long idleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (n < count && System.nanoTime() < idleDeadline) {
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
                });
                int intact = clientThread.submit(() -> {
                    try (DatagramSocket c = new DatagramSocket()) {
                        c.setSoTimeout(2_000);
                        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(serverAddress), port);
                        Random random = new Random(size);
                        byte[] payload = new byte[size];
                        byte[] back = new byte[65535];
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
                            if (p.getLength() == size && Arrays.equals(back, 0, size, payload, 0, size)) {
                                ok++;
                            }
                        }
                        return ok;
                    }
                }).get(120, TimeUnit.SECONDS);
                return new UdpResult(count, intact, echoes.get(30, TimeUnit.SECONDS));
            }
        } finally {
            serverThread.shutdownNow();
            clientThread.shutdownNow();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
