package io.calloutd.mgmt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.Layer;
import io.calloutd.mgmt.cli.ApiClient;
import io.calloutd.mgmt.cli.CalloutCtl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket API end to end: framing, errors, session lifetimes, peer-credential access control, calloutctl. */
class ApiServerTest {
    static final int READ_GID = 64101;
    static final int ADMIN_GID = 64102;
    @TempDir Path dir;
    FilterEngine engine;
    ManagementService svc;
    ApiServer server;
    Path sock;

    @BeforeEach
    void start() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        sock = dir.resolve("api.sock");
        startServer();
    }

    void startServer() throws Exception {
        engine = new FilterEngine();
        svc = new ManagementService(engine, new AccessPolicy(Set.of(READ_GID), Set.of(ADMIN_GID)), null, null, FlowView.NONE, dir.resolve("state"));
        server = new ApiServer(svc, sock, ApiServer.modeString("0666"), null, 4096);
    }

    @AfterEach
    void stop() {
        server.close();
        svc.close();
    }

    static ObjectNode addBlock(int port, boolean persistent) {
        ObjectNode r = ApiClient.request("filter.add").put("persistent", persistent);
        ObjectNode def = r.putObject("def").put("layer", "INBOUND_TRANSPORT_V4").put("action", "BLOCK").put("name", "p" + port);
        def.putArray("conditions").addObject().put("field", "IP_LOCAL_PORT").put("value", port);
        return r;
    }

    @Test
    void persistentFiltersSurviveServerRestartDynamicOnesVanish() throws Exception {
        try (ApiClient dyn = new ApiClient(sock); ApiClient st = new ApiClient(sock)) {
            assertThat(dyn.call(ApiClient.request("open").put("dynamic", true)).path("result").path("dynamic").asBoolean()).isTrue();
            assertThat(dyn.call(addBlock(80, false)).path("ok").asBoolean()).isTrue();
            assertThat(st.call(addBlock(22, true)).path("ok").asBoolean()).isTrue();
            assertThat(st.call(ApiClient.request("filter.list")).path("result")).hasSize(2);
        }
        awaitFilters(1); // the dynamic session's filter left with its connection
        server.close();
        svc.close();
        startServer();
        assertThat(engine.filters(Layer.INBOUND_TRANSPORT_V4)).singleElement().satisfies(f -> assertThat(f.name()).isEqualTo("p22"));
        try (ApiClient c = new ApiClient(sock)) {
            JsonNode list = c.call(ApiClient.request("filter.list")).path("result");
            assertThat(list).singleElement().satisfies(n -> assertThat(n.path("lifetime").asText()).isEqualTo("PERSISTENT"));
        }
    }

    private void awaitFilters(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (engine.filters(Layer.INBOUND_TRANSPORT_V4).size() != n && System.nanoTime() < end) Thread.sleep(10);
        assertThat(engine.filters(Layer.INBOUND_TRANSPORT_V4)).hasSize(n);
    }

    @Test
    void malformedAndOversizedRequestsGetErrorsAndChangeNothing() throws Exception {
        try (ApiClient c = new ApiClient(sock)) {
            c.sendRaw("{\"op\": \"filter.add\", ");
            JsonNode r = c.readLine();
            assertThat(r.path("error").path("code").asText()).isEqualTo("FWP_E_MALFORMED_REQUEST");
            c.sendRaw("{\"op\":\"filter.add\",\"def\":{\"layer\":\"INBOUND_TRANSPORT_V4\",\"action\":\"BLOCK\",\"name\":\"" + "x".repeat(5000) + "\"}}");
            r = c.readLine();
            assertThat(r.path("error").path("code").asText()).isEqualTo("FWP_E_REQUEST_TOO_LARGE");
            ObjectNode bad = addBlock(23, false);
            ((ObjectNode) bad.get("def")).put("colour", "red");
            r = c.call(bad);
            assertThat(r.path("error").path("code").asText()).isEqualTo("FWP_E_INVALID_PARAMETER");
            assertThat(r.path("error").path("message").asText()).contains("colour");
            r = c.call(ApiClient.request("nope"));
            assertThat(r.path("error").path("message").asText()).isEqualTo("unknown op 'nope'");
            assertThat(c.call(ApiClient.request("session")).path("result").path("role").asText()).isEqualTo("ADMIN");
        }
        assertThat(engine.filters(Layer.INBOUND_TRANSPORT_V4)).isEmpty();
    }

    /** Runs one request as another uid/gid through setpriv + socat (a separate process, real SO_PEERCRED). */
    private JsonNode callAs(int uid, int gid, ObjectNode req) throws Exception {
        Process p = new ProcessBuilder("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups",
                "socat", "-t", "1", "-", "UNIX-CONNECT:" + sock).redirectErrorStream(true).start();
        p.getOutputStream().write((req.put("id", 7) + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close(); // EOF lets socat finish after the reply (-t 1)
        String line = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new ObjectMapper().readTree(line.lines().findFirst().orElse("{}"));
    }

    @Test
    void readGroupMayListButNotChangeAdminGroupMayChangeOthersAreRefused() throws Exception {
        JsonNode r = callAs(64001, READ_GID, ApiClient.request("filter.list"));
        assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
        r = callAs(64001, READ_GID, addBlock(23, false));
        assertThat(r.path("error").path("code").asText()).isEqualTo("FWP_E_ACCESS_DENIED");
        assertThat(r.path("error").path("message").asText()).isEqualTo("uid 64001 has read-only access");
        assertThat(engine.filters(Layer.INBOUND_TRANSPORT_V4)).isEmpty();

        r = callAs(64002, ADMIN_GID, addBlock(23, false));
        assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
        assertThat(engine.filters(Layer.INBOUND_TRANSPORT_V4)).hasSize(1);

        r = callAs(64003, 64003, ApiClient.request("filter.list"));
        assertThat(r.path("error").path("code").asText()).isEqualTo("FWP_E_ACCESS_DENIED");
        assertThat(r.path("error").path("message").asText()).isEqualTo("uid 64003 may not open a session");
    }

    @Test
    void calloutctlAddsListsAndDeletesFilters() throws Exception {
        assertThat(ctl("filters", "add", "--layer", "INBOUND_TRANSPORT_V4", "--action", "BLOCK", "--name", "telnet",
                "-c", "IP_PROTOCOL=tcp", "-c", "IP_LOCAL_PORT=23", "-c", "IP_REMOTE_ADDRESS=198.18.0.0/15")).contains("\"id\" : ");
        assertThat(engine.filters(Layer.INBOUND_TRANSPORT_V4)).singleElement().satisfies(f -> assertThat(f.conditions()).hasSize(3));
        assertThat(ctl("filters", "list")).contains("\"name\" : \"telnet\"").contains("UINT16:23");
        assertThat(ctl("sublayers", "list")).contains("universal").contains("inspection");
        assertThat(ctl("counters")).contains("\"filters\"");
        assertThat(ctl("flows")).contains("[ ]");
        assertThat(ctl("filters", "delete", "telnet")).contains("\"key\"");
        assertThat(engine.filters(Layer.INBOUND_TRANSPORT_V4)).isEmpty();
    }

    private String ctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = CalloutCtl.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] full = new String[args.length + 2];
        full[0] = "--socket";
        full[1] = sock.toString();
        System.arraycopy(args, 0, full, 2, args.length);
        int rc = cl.execute(full);
        assertThat(rc).as(err.toString()).isZero();
        return out.toString();
    }
}
