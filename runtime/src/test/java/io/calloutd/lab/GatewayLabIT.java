package io.calloutd.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.daemon.StatsSnapshot;
import io.calloutd.nativebridge.Capabilities;
import io.calloutd.nativebridge.IpCommand;
import io.calloutd.nativebridge.Sysctl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The foundation end to end: the packaged daemon in the firewall namespace of a real three-namespace lab,
 * real IPv4/IPv6 traffic through it, counters that prove every packet crossed the TUN, and a namespace left
 * exactly as it was found.
 */
class GatewayLabIT {
    private static final Path JAR = Path.of(System.getProperty("calloutd.jar", "runtime/target/calloutd.jar"));
    private static final long TCP_BYTES = 10L * 1024 * 1024;

    @Test
    void realTrafficCrossesTheTunBothWaysAndRoutingIsRestored() throws Exception {
        List<String> namespacesBefore = netnsList();
        List<String> created;
        try (LabTopology lab = LabTopology.create()) {
            created = lab.namespaces();
            String fw = lab.firewall();
            String rules4Before = lab.ipIn(fw, "-4", "rule", "show");
            String rules6Before = lab.ipIn(fw, "-6", "rule", "show");
            List<String> linksBefore = linkNames(lab, fw);

            // The send path is asked for explicitly: with offloads the default is a write to the outbound TUN.
            Path pidDir = Files.createTempDirectory("calloutd-pid-");
            Path pidFile = pidDir.resolve("calloutd.pid");
            try (DaemonProcess daemon = DaemonProcess.startGateway(lab, JAR, "--pid-file", pidFile.toString(),
                    "--outbound-injection", "SEND")) {
                assertThat(Files.readString(pidFile).trim()).as("pid file").isEqualTo(Long.toString(daemon.pid()));
                assertOnlyNetAdminAndNetRaw(daemon.pid());
                assertThat(lab.ipIn(fw, "-4", "rule", "show"))
                        .contains("iif veth-c lookup 7000").contains("iif veth-s lookup 7001").contains("fwmark 0x7c0 lookup main");
                assertThat(lab.ipIn(fw, "-6", "route", "show", "table", "7000")).contains("default dev ctd-out");

                assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V4, 5, 56)).as("IPv4 echo replies").isEqualTo(5);
                assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V6, 5, 56)).as("IPv6 echo replies").isEqualTo(5);
                assertThat(Traffic.ping(lab.server(), LabTopology.CLIENT_V4, 3, 1000)).as("IPv4 echo from the outside").isEqualTo(3);

                Traffic.TcpResult tcp = Traffic.tcpDownload(lab.client(), lab.server(), LabTopology.SERVER_V4, 5001, TCP_BYTES);
                assertThat(tcp.bytesReceived()).isEqualTo(TCP_BYTES);
                assertThat(tcp.receivedSha256()).isEqualTo(tcp.sentSha256());

                Traffic.TcpResult tcp6 = Traffic.tcpDownload(lab.client(), lab.server(), LabTopology.SERVER_V6, 5003, 1024 * 1024);
                assertThat(tcp6.intact()).as("IPv6 TCP transfer intact").isTrue();

                Traffic.UdpResult udp4 = Traffic.udpEcho(lab.client(), lab.server(), LabTopology.SERVER_V4, 5002, 100, 1000);
                assertThat(udp4.echoedIntact()).as("UDP/IPv4 datagrams echoed intact").isEqualTo(100);
                Traffic.UdpResult udp6 = Traffic.udpEcho(lab.client(), lab.server(), LabTopology.SERVER_V6, 5002, 100, 1000);
                assertThat(udp6.echoedIntact()).as("UDP/IPv6 datagrams echoed intact").isEqualTo(100);

                Thread.sleep(600); // the daemon rewrites its stats every 200 ms
                StatsSnapshot s = daemon.stats();
                long tcpSegmentsAtLeast = TCP_BYTES / 65535; // even with the largest possible segments
                // Each echo crosses twice (request outbound, reply inbound): 5+5 pings, 3 pings from outside, 200 UDP.
                assertThat(s.outbound()).as("packets from the inside that crossed the TUN").isGreaterThanOrEqualTo(5 + 5 + 3 + 200);
                assertThat(s.inbound()).as("packets from the outside that crossed the TUN")
                        .isGreaterThanOrEqualTo(5 + 5 + 3 + 200 + tcpSegmentsAtLeast);
                assertThat(s.bytesIn()).as("bytes that crossed the TUN").isGreaterThan(TCP_BYTES);
                assertThat(s.reinjectedSendPath()).as("outbound via the marked raw socket").isGreaterThan(0);
                assertThat(s.reinjectedReceivePath()).as("inbound via TUN writes").isGreaterThan(0);
                assertThat(s.dropsMalformed()).isZero();
                assertThat(s.dropsInjectionFailed()).isZero();
                assertThat(s.receiverErrors()).isZero();
                assertThat(s.unaccounted()).as("every packet reinjected or counted").isZero();
                assertThat(s.packetsIn()).as("no fragments here: in = out").isEqualTo(s.packetsOut());

                // SIGHUP is the reload signal: the daemon stays up and keeps forwarding.
                assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).start().waitFor()).isZero();
                Thread.sleep(300);
                assertThat(daemon.isAlive()).as("alive after SIGHUP").isTrue();
                assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V4, 2, 56)).as("forwarding after SIGHUP").isEqualTo(2);

                // Teardown below runs with only CAP_NET_ADMIN and CAP_NET_RAW.
                assertThat(daemon.stop()).as("clean exit on SIGTERM").isZero();
                assertThat(daemon.stats().ready()).isFalse();
                assertThat(pidFile).as("pid file removed at a clean stop").doesNotExist();
            } finally {
                Files.deleteIfExists(pidFile);
                Files.deleteIfExists(pidDir);
            }
            assertThat(lab.ipIn(fw, "-4", "rule", "show")).as("IPv4 rules restored").isEqualTo(rules4Before);
            assertThat(lab.ipIn(fw, "-6", "rule", "show")).as("IPv6 rules restored").isEqualTo(rules6Before);
            assertThat(lab.ipIn(fw, "-4", "route", "show", "table", "7000")).isBlank();
            assertThat(lab.ipIn(fw, "-6", "route", "show", "table", "7001")).isBlank();
            assertThat(linkNames(lab, fw)).as("TUN devices removed").isEqualTo(linksBefore).doesNotContain("ctd-out", "ctd-in");
            assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V4, 2, 56))
                    .as("after a clean stop the kernel forwards again").isEqualTo(2);
        }
        assertThat(netnsList()).as("no namespace left behind").doesNotContainAnyElementsOf(created).containsAll(namespacesBefore);
    }

    @Test
    void trafficStopsWhenTheDaemonIsKilledFailClosed() throws Exception {
        try (LabTopology lab = LabTopology.create();
             DaemonProcess daemon = DaemonProcess.startGateway(lab, JAR, "--fail-mode", "closed")) {
            assertThat(lab.ipIn(lab.firewall(), "-4", "route", "show", "table", "7000")).contains("blackhole default");
            assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V4, 2, 56)).isEqualTo(2);
            daemon.kill();
            assertThat(daemon.isAlive()).isFalse();
            // The TUN vanished with the process; the steering rules and the blackhole stay: nothing bypasses the firewall.
            assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V4, 2, 56)).as("no bypass after SIGKILL").isZero();
            assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V6, 2, 56)).as("no IPv6 bypass after SIGKILL").isZero();
            assertThat(Traffic.ping(lab.server(), LabTopology.CLIENT_V4, 2, 56)).as("nothing in from outside").isZero();
        }
    }

    @Test
    void routingBypassesTheTunWhenTheDaemonIsKilledFailOpen() throws Exception {
        try (LabTopology lab = LabTopology.create();
             DaemonProcess daemon = DaemonProcess.startGateway(lab, JAR, "--fail-mode", "open")) {
            String fw = lab.firewall();
            assertThat(lab.ipIn(fw, "-4", "route", "show", "table", "7000")).contains("default dev ctd-out").doesNotContain("blackhole");
            assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V4, 3, 56)).isEqualTo(3);
            Thread.sleep(600);
            assertThat(daemon.stats().outbound()).as("steered through the TUN while alive").isGreaterThanOrEqualTo(3);
            daemon.kill();
            assertThat(daemon.isAlive()).isFalse();
            // Nobody cleaned up: the steering rules are still there, but their tables emptied with the TUNs,
            // so lookups fall through to the main table and the kernel forwards directly.
            assertThat(lab.ipIn(fw, "-4", "rule", "show")).contains("iif veth-c lookup 7000");
            assertThat(lab.ipIn(fw, "-4", "route", "show", "table", "7000")).isBlank();
            assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V4, 3, 56)).as("IPv4 bypass after SIGKILL").isEqualTo(3);
            assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V6, 3, 56)).as("IPv6 bypass after SIGKILL").isEqualTo(3);
            assertThat(Traffic.ping(lab.server(), LabTopology.CLIENT_V4, 3, 56)).as("from the outside too").isEqualTo(3);
            Traffic.TcpResult tcp = Traffic.tcpDownload(lab.client(), lab.server(), LabTopology.SERVER_V4, 5001, 1024 * 1024);
            assertThat(tcp.intact()).as("TCP after SIGKILL, fail-open").isTrue();
        }
    }

    /** Every thread of the daemon holds CAP_NET_ADMIN and CAP_NET_RAW (bits 12, 13) and nothing else. */
    private static void assertOnlyNetAdminAndNetRaw(long pid) throws Exception {
        List<Path> tasks;
        try (var list = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks = list.toList();
        }
        assertThat(tasks).hasSizeGreaterThan(5);
        for (Path task : tasks) {
            Map<String, Long> caps = Capabilities.parseStatus(Sysctl.readProcFile(task.resolve("status")));
            assertThat(caps).as("capabilities of thread " + task.getFileName())
                    .containsEntry("CapEff", 0x3000L).containsEntry("CapPrm", 0x3000L).containsEntry("CapBnd", 0x3000L);
        }
    }

    private static List<String> linkNames(LabTopology lab, String ns) throws Exception {
        return lab.ipIn(ns, "-o", "link", "show").lines().map(l -> l.split(":")[1].trim().split("@")[0]).toList();
    }

    private static List<String> netnsList() throws Exception {
        return IpCommand.run("netns", "list").lines().map(l -> l.split(" ")[0]).filter(l -> !l.isBlank()).toList();
    }
}
