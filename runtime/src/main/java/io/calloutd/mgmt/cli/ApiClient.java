package io.calloutd.mgmt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;

/** A blocking client of the management socket (JDK Unix sockets): one request at a time, events to a callback. */
public final class ApiClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;
    private long nextId = 1;
    private Consumer<JsonNode> events = e -> { };

    /** Connects to {@code socket}. */
    public ApiClient(Path socket) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        out = Channels.newOutputStream(channel);
    }

    /** Where notifications and net events go while waiting for responses (or in {@link #follow}). */
    public void onEvent(Consumer<JsonNode> sink) { this.events = sink; }

    /** A request object for {@code op}. */
    public static ObjectNode request(String op) {
        return JSON.createObjectNode().put("op", op);
    }

    /** Sends a request and returns its response ({@code ok}, {@code result} or {@code error}). */
    public synchronized JsonNode call(ObjectNode req) throws IOException {
        long id = nextId++;
        req.put("id", id);
        sendRaw(JSON.writeValueAsString(req));
        while (true) {
            String line = in.readLine();
            if (line == null) throw new IOException("daemon closed the connection");
            JsonNode n = JSON.readTree(line);
            if (n.has("event")) {
                events.accept(n);
                continue;
            }
            if (!n.has("id") || n.get("id").asLong() == id) return n;
        }
    }

    /** Sends a raw line (tests use it for malformed input). */
    public void sendRaw(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads the next line the daemon sends. */
    public JsonNode readLine() throws IOException {
        String line = in.readLine();
        if (line == null) throw new IOException("daemon closed the connection");
        return JSON.readTree(line);
    }

    /** Delivers incoming events to the callback until the connection closes. */
    public void follow() throws IOException {
        String line;
        while ((line = in.readLine()) != null) events.accept(JSON.readTree(line));
    }

    @Override public void close() throws IOException {
        channel.close();
    }
}
