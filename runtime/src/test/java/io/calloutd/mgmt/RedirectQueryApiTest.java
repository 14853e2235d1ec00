package io.calloutd.mgmt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calloutd.engine.FilterEngine;
import io.calloutd.mgmt.cli.ApiClient;
import io.calloutd.redirect.RedirectRecords;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code redirect.query}: a proxy asks the management API for the original destination by 5-tuple (§3.5). */
class RedirectQueryApiTest {
    @TempDir Path dir;

    static InetSocketAddress ep(String a, int p) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(a), p);
    }

    @Test
    void proxyGetsTheOriginalDestinationOfTheConnectionItAccepted() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        InetSocketAddress client = ep("198.18.1.2", 40000), proxy = ep("198.18.2.9", 8080);
        RedirectRecords rec = new RedirectRecords(3, 17, 6, client, ep("198.18.2.2", 80), client, proxy, 4242, null, null);
        FlowView flows = new FlowView() {
            @Override
            public List<FlowSummary> snapshot(int limit) {
                return List.of();
            }

            @Override
            public Optional<RedirectRecords> redirectRecords(int protocol, InetSocketAddress c, InetSocketAddress p) {
                return protocol == 6 && c.equals(client) && p.equals(proxy) ? Optional.of(rec) : Optional.empty();
            }
        };
        Path sock = dir.resolve("api.sock");
        ManagementService svc = new ManagementService(new FilterEngine(), new AccessPolicy(Set.of(), Set.of()), null,
                null, flows, dir.resolve("state"));
        try (ApiServer server = new ApiServer(svc, sock, ApiServer.modeString("0600"), null, 4096);
             ApiClient c = new ApiClient(sock)) {
            JsonNode r = c.call(ApiClient.request("redirect.query").put("protocol", 6).put("clientAddress", "198.18.1.2")
                    .put("clientPort", 40000).put("proxyAddress", "198.18.2.9").put("proxyPort", 8080)).path("result");
            assertThat(r.path("found").asBoolean()).isTrue();
            assertThat(r.path("originalDestination").asText()).isEqualTo("198.18.2.2");
            assertThat(r.path("originalPort").asInt()).isEqualTo(80);
            assertThat(r.path("targetId").asLong()).isEqualTo(4242);
            assertThat(r.path("handleId").asLong()).isEqualTo(3);
            assertThat(r.path("filterId").asLong()).isEqualTo(17);

            JsonNode none = c.call(ApiClient.request("redirect.query").put("clientAddress", "198.18.1.2")
                    .put("clientPort", 40001).put("proxyAddress", "198.18.2.9").put("proxyPort", 8080)).path("result");
            assertThat(none.path("found").asBoolean()).isFalse();

            JsonNode bad = c.call(ApiClient.request("redirect.query").put("clientAddress", "host.example")
                    .put("clientPort", 1).put("proxyAddress", "198.18.2.9").put("proxyPort", 8080));
            assertThat(bad.path("error").path("code").asText()).isEqualTo("FWP_E_INVALID_PARAMETER");
            assertThat(bad.path("error").path("message").asText()).contains("clientAddress");
        } finally {
            svc.close();
        }
    }
}
