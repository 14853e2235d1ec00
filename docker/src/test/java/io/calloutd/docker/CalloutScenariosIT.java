package io.calloutd.docker;

import static io.calloutd.docker.GatewayLab.sh;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Built-in callouts end to end in containers: a client, the calloutd firewall and a server on two Docker networks,
 * the callouts configured from the daemon's policy file (rewritten and reloaded with SIGHUP per scenario, since the
 * containers' addresses are only known once they run). One lab for all scenarios keeps the suite short.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class CalloutScenariosIT {
    private static GatewayLab lab;
    private static String server;
    private static String client;
    private static String outside;

    @BeforeAll
    static void startLab() throws Exception {
        lab = GatewayLab.start("mode: gateway\n");
        server = GatewayLab.address(lab.server(), lab.networks().outside());
        client = GatewayLab.address(lab.client(), lab.networks().inside());
        outside = lab.networks().outsidePrefix();
        // A UDP echo server on the server host (python: one reply per datagram, from the port it was sent to).
        sh(lab.server(), "printf '%s\\n' 'import socket' 's=socket.socket(socket.AF_INET, socket.SOCK_DGRAM)'"
                + " 's.bind((\"0.0.0.0\", 6001))' 'while True:' '    d, a = s.recvfrom(2048)' '    s.sendto(d, a)'"
                + " > /tmp/echo.py && (nohup python3 /tmp/echo.py >/tmp/echo.log 2>&1 &)");
        // A TCP echo server.
        sh(lab.server(), "nohup socat -d -d TCP-LISTEN:7200,reuseaddr,fork EXEC:/bin/cat >/tmp/tcpecho.log 2>&1 &");
    }

    @AfterAll
    static void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    /** Captures (verbose, with checksum verdicts) what the server host receives, for the failure message of {@link #run}. */
    private static void captureOnServer(String filter) {
        sh(lab.server(), "rm -f /tmp/capture.txt; (nohup timeout 15 tcpdump -l -vv -n -i any " + filter
                + " > /tmp/capture.txt 2>&1 &); sleep 0.5");
    }

    /** Runs {@code command}; on failure the message carries the daemon's stats file and log tail. */
    private static String run(org.testcontainers.containers.GenericContainer<?> c, String command) {
        try {
            return sh(c, command);
        } catch (AssertionError e) {
            String logs = lab.firewall().getLogs();
            String capture = sh(lab.server(), "sleep 1; cat /tmp/capture.txt 2>/dev/null; true");
            throw new AssertionError(e.getMessage() + "\n--- server capture:\n" + capture + "\n--- daemon stats:\n"
                    + sh(lab.firewall(), "cat " + FirewallContainer.STATS_FILE) + "\n--- daemon log tail:\n"
                    + logs.substring(Math.max(0, logs.length() - 4000)), e);
        }
    }

    /** Check 70 in containers: datagrams to A:5001 are served by B:6001 and answered as from A:5001. */
    @Test
    void check70_datagramProxyInContainers() throws Exception {
        String a = outside + "200"; // an address nobody has
        lab.applyPolicy("""
                mode: gateway
                callouts:
                  - {id: dd, type: ddproxy, params: {destinationAddressToIntercept: %1$s, destinationPortToIntercept: 5001,
                                                      newDestinationAddress: %2$s, newDestinationPort: 6001}}
                filters:
                  - {id: dd-flow-original, layer: ALE_FLOW_ESTABLISHED_V4, action: CALLOUT_TERMINATING, callout: dd,
                     conditions: [{field: IP_PROTOCOL, value: udp}, {field: IP_REMOTE_ADDRESS, value: %1$s},
                                  {field: IP_REMOTE_PORT, value: 5001}]}
                  - {id: dd-flow-proxy, layer: ALE_FLOW_ESTABLISHED_V4, action: CALLOUT_TERMINATING, callout: dd,
                     conditions: [{field: IP_PROTOCOL, value: udp}, {field: IP_REMOTE_ADDRESS, value: %2$s},
                                  {field: IP_REMOTE_PORT, value: 6001}]}
                  - {id: dd-data-out, layer: DATAGRAM_DATA_V4, action: CALLOUT_TERMINATING, callout: dd,
                     conditions: [{field: IP_PROTOCOL, value: udp}, {field: IP_REMOTE_ADDRESS, value: %1$s},
                                  {field: IP_REMOTE_PORT, value: 5001}, {field: DIRECTION, value: 0}]}
                  - {id: dd-data-in, layer: DATAGRAM_DATA_V4, action: CALLOUT_TERMINATING, callout: dd,
                     conditions: [{field: IP_PROTOCOL, value: udp}, {field: IP_REMOTE_ADDRESS, value: %2$s},
                                  {field: IP_REMOTE_PORT, value: 6001}, {field: DIRECTION, value: 1}]}
                """.formatted(a, server));
        captureOnServer("udp");
        // The client sends 5 datagrams to A:5001 from one socket and prints who answered with what.
        String out = run(lab.client(), "printf '%s\\n' 'import socket' 's=socket.socket(socket.AF_INET, socket.SOCK_DGRAM)'"
                + " 's.settimeout(3)' 'for i in range(5):' '    s.sendto(b\"dd-%d\" % i, (\"" + a + "\", 5001))'"
                + " '    d, f = s.recvfrom(2048)' '    print(f[0], f[1], d.decode())' > /tmp/ddc.py && python3 /tmp/ddc.py");
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            expected.append(a).append(" 5001 dd-").append(i).append('\n');
        }
        assertThat(out).as(lab.firewall().getLogs()).isEqualTo(expected.toString());
    }

    /** Connect redirect in containers: a TCP connection for X:7100 is served by the server's 7200, transparently. */
    @Test
    void connectRedirectSendsTheConnectionToAnotherHost() throws Exception {
        String x = outside + "201"; // nobody has X: without the redirect the connect would fail
        lab.applyPolicy("""
                mode: gateway
                callouts:
                  - {id: cr, type: connect-redirect, params: {remoteAddress: %s, remotePort: 7100, protocol: tcp,
                                                              proxyAddress: %s, proxyPort: 7200}}
                filters:
                  - {id: cr, layer: ALE_CONNECT_REDIRECT_V4, action: CALLOUT_UNKNOWN, callout: cr}
                """.formatted(x, server));
        captureOnServer("tcp");
        String out = run(lab.client(), "printf 'redirect-me-%s' " + client
                + " | timeout 20 socat -t 2 - TCP:" + x + ":7100,connect-timeout=5");
        assertThat(out).as(lab.firewall().getLogs()).isEqualTo("redirect-me-" + client);
        // The server accepted the client itself (no proxy in between), on 7200.
        assertThat(sh(lab.server(), "cat /tmp/tcpecho.log")).contains("accepting connection from AF=2 " + client + ":");
    }

    /** Check 67/68 in containers: a length-changing stream edit on port 8888, read intact by the client. */
    @Test
    void check67_streamEditInContainers() throws Exception {
        lab.applyPolicy("""
                mode: gateway
                callouts:
                  - {id: weather, type: stmedit, params: {port: 0, remotePort: 8888, find: rainy, replace: "sunny and warm"}}
                filters:
                  - {id: weather-v4, layer: STREAM_V4, action: CALLOUT_TERMINATING, callout: weather,
                     conditions: [{field: IP_REMOTE_PORT, value: 8888}]}
                """);
        // ~200 KB of forecasts: many segments, with "rainy" split across segment boundaries somewhere.
        sh(lab.server(), "i=0; while [ $i -lt 8000 ]; do echo \"day $i: rainy\"; i=$((i+1)); done > /tmp/forecast"
                + " && (nohup socat -u OPEN:/tmp/forecast TCP-LISTEN:8888,reuseaddr >/tmp/weather.log 2>&1 &); sleep 0.3");
        captureOnServer("tcp port 8888");
        String got = run(lab.client(), "timeout 30 socat -u TCP:" + server + ":8888,connect-timeout=5 - | sha256sum");
        String expected = sh(lab.server(), "sed 's/rainy/sunny and warm/g' /tmp/forecast | sha256sum");
        assertThat(got).as(lab.firewall().getLogs()).isEqualTo(expected);
    }
}
