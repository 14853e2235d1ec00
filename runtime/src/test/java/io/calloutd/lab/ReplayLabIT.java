package io.calloutd.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.calloutd.daemon.StatsSnapshot;
import io.calloutd.engine.NetEvent;
import io.calloutd.engine.NetEventType;
import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.factory.PacketFactories;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * {@code calloutd replay} against the live daemon: traffic through the gateway (TCP and UDP flows, blocked and
 * allowed) is captured with tcpdump on both firewall links while the daemon decides; replaying the inside capture
 * offline, as an unprivileged user, gives the daemon's verdicts: the same blocks per filter as its net events, the
 * same blocks per layer as its counters, and exactly the outbound packets that left by the outside link permitted.
 */
class ReplayLabIT {
    private static final int NOBODY = 65534;

    @Test
    void replayOfACaptureGivesTheLiveVerdicts() throws Exception {
        Path dir = Files.createTempDirectory("calloutd-replay-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = dir.resolve("api.sock");
        Path config = dir.resolve("policy.yaml");
        Files.writeString(config, """
                mode: gateway
                api: {socket: %s, stateDir: %s}
                sublayers:
                  - {id: lab, name: lab policy, weight: 100}
                filters:
                  - id: block-tcp-5301
                    name: block-tcp-5301
                    layer: ALE_AUTH_CONNECT_V4
                    sublayer: lab
                    action: BLOCK
                    conditions:
                      - {field: IP_PROTOCOL, value: tcp}
                      - {field: IP_REMOTE_PORT, value: 5301}
                  - id: block-udp-5401
                    name: block-udp-5401
                    layer: OUTBOUND_TRANSPORT_V4
                    sublayer: lab
                    action: BLOCK
                    conditions:
                      - {field: IP_PROTOCOL, value: udp}
                      - {field: IP_REMOTE_PORT, value: 5401}
                """.formatted(socket, dir.resolve("state")));
        Path inside = dir.resolve("inside.pcap");
        Path outside = dir.resolve("outside.pcap");
        Path drops = dir.resolve("drops.pcapng");
        Map<String, Long> liveDropsByFilter = new HashMap<>();
        StatsSnapshot stats;
        Map<String, Long> ids = new HashMap<>();
        StringBuilder tcpdumpLogs = new StringBuilder();
        try (LabTopology lab = LabTopology.create();
             DaemonProcess daemon = DaemonProcess.startGateway(lab, LabOps.JAR, "--config", config.toString(),
                     "--capture-drops", drops.toString())) {
            try (Capture in = Capture.start(lab.firewall(), LabTopology.FW_INSIDE, inside, "ip");
                 Capture out = Capture.start(lab.firewall(), LabTopology.FW_OUTSIDE, outside, "ip")) {
                assertThat(LabOps.connects(lab.client(), lab.server(), LabTopology.SERVER_V4, 5301)).isFalse();
                assertThat(LabOps.connects(lab.client(), lab.server(), LabTopology.SERVER_V4, 5303)).isTrue();
                LabOps.sendUdp(lab.client(), LabTopology.SERVER_V4, 5401, 5);
                assertThat(Traffic.udpEcho(lab.client(), lab.server(), LabTopology.SERVER_V4, 5402, 5, 200).echoedIntact())
                        .isEqualTo(5);
                Thread.sleep(500);
                in.close();
                out.close();
                tcpdumpLogs.append(in.output()).append(out.output());
            }
            JsonNode filters = LabOps.ctl(socket, "filters", "list");
            ids.put("block-tcp-5301", LabOps.idOf(filters, "block-tcp-5301"));
            ids.put("block-udp-5401", LabOps.idOf(filters, "block-udp-5401"));
            Thread.sleep(500);
            stats = daemon.stats();
            for (NetEvent e : stats.netEvents()) {
                if (e.type() == NetEventType.CLASSIFY_DROP) {
                    ids.forEach((name, id) -> {
                        if (id == e.filterId()) liveDropsByFilter.merge(name, 1L, Long::sum);
                    });
                }
            }
            assertThat(daemon.stop()).isZero();
        }
        Files.setPosixFilePermissions(inside, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));

        // Offline, as nobody: no root, no TUN.
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                "java", "-cp", LabOps.JAR.toString(), "io.calloutd.daemon.Main", "replay", "--config", config.toString(),
                "--inside-prefix", "198.18.1.0/24", inside.toString()));
        LabOps.Result r = LabOps.run(cmd);
        assertThat(r.exit()).as(r.stderr()).isZero();
        String[] lines = r.stdout().strip().split("\n");
        List<JsonNode> verdicts = new ArrayList<>();
        for (int i = 0; i < lines.length - 1; i++) {
            verdicts.add(LabOps.JSON.readTree(lines[i]));
        }
        JsonNode summary = LabOps.JSON.readTree(lines[lines.length - 1]).path("summary");
        assertThat(summary.path("packets").asLong()).isEqualTo(verdicts.size()).isPositive();

        Map<String, Long> replayBlocksByFilter = new HashMap<>();
        Map<String, Long> replayBlocksByLayer = new HashMap<>();
        Map<String, Long> permittedOutbound = new HashMap<>();
        Map<String, Long> blockedPackets = new HashMap<>();
        for (JsonNode v : verdicts) {
            String verdict = v.path("verdict").asText();
            assertThat(verdict).as("%s", v).isIn("PERMIT", "BLOCK");
            if (verdict.equals("BLOCK")) {
                assertThat(v.path("direction").asText()).isEqualTo("OUTBOUND");
                replayBlocksByFilter.merge(v.path("filterName").asText(), 1L, Long::sum);
                replayBlocksByLayer.merge(v.path("layer").asText(), 1L, Long::sum);
                blockedPackets.merge(v.path("filterName").asText() + "|" + key(v.path("protocol").asInt(),
                        v.path("sourcePort").asInt(), v.path("destinationPort").asInt()), 1L, Long::sum);
            } else if (v.path("direction").asText().equals("OUTBOUND")) {
                permittedOutbound.merge(key(v.path("protocol").asInt(), v.path("sourcePort").asInt(),
                        v.path("destinationPort").asInt()), 1L, Long::sum);
            }
            // (INBOUND packets on the inside link were reinjected by the daemon: the replay must permit them too.)
        }
        assertThat(replayBlocksByFilter.get("block-tcp-5301")).as("%s\n%s", tcpdumpLogs, r.stdout()).isGreaterThanOrEqualTo(1);
        assertThat(replayBlocksByFilter.get("block-udp-5401")).as("%s\n%s", tcpdumpLogs, r.stdout()).isEqualTo(5);
        assertThat(replayBlocksByFilter).isEqualTo(liveDropsByFilter);
        for (String layer : List.of("ALE_AUTH_CONNECT_V4", "OUTBOUND_TRANSPORT_V4")) {
            assertThat(replayBlocksByLayer.get(layer)).as(layer).isEqualTo(stats.layers().get(layer).get("blocks"));
        }
        assertThat(permittedOutbound).isEqualTo(clientPacketsOn(outside));

        // The drop capture holds exactly the blocked packets, each with its layer and filter, as tshark reads it.
        io.calloutd.capture.Tshark.Output t = io.calloutd.capture.Tshark.fields(drops, "frame.comment", "ip.proto",
                "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport");
        assertThat(t.exit()).as(t.stderr()).isZero();
        assertThat(t.stderr()).isBlank();
        Map<String, Long> captured = new HashMap<>();
        for (String line : t.lines()) {
            String[] f = line.split("\\|", -1);
            assertThat(f[0]).startsWith("drop layer=").contains(" direction=OUTBOUND name=block-");
            String name = f[0].substring(f[0].indexOf("name=") + 5);
            int proto = Integer.parseInt(f[1]);
            String k = proto == 6 ? key(6, Integer.parseInt(f[2]), Integer.parseInt(f[3]))
                    : key(proto, Integer.parseInt(f[4]), Integer.parseInt(f[5]));
            captured.merge(name + "|" + k, 1L, Long::sum);
        }
        assertThat(captured).isEqualTo(blockedPackets);
    }

    private static String key(int protocol, int sourcePort, int destinationPort) {
        return protocol + ":" + sourcePort + ">" + destinationPort;
    }

    /** Packets from the client that left by the outside link, per protocol and ports, read by pcap4j. */
    private static Map<String, Long> clientPacketsOn(Path capture) throws Exception {
        Map<String, Long> m = new HashMap<>();
        try (PcapHandle h = Pcaps.openOffline(capture.toString())) {
            assertThat(h.getDlt()).isEqualTo(DataLinkType.EN10MB);
            while (true) {
                byte[] raw;
                try {
                    raw = h.getNextRawPacketEx();
                } catch (EOFException end) {
                    break;
                }
                Packet p = PacketFactories.getFactory(Packet.class, DataLinkType.class).newInstance(raw, 0, raw.length,
                        DataLinkType.EN10MB);
                IpV4Packet ip = p.get(IpV4Packet.class);
                if (ip == null || !ip.getHeader().getSrcAddr().getHostAddress().equals(LabTopology.CLIENT_V4)) {
                    continue;
                }
                TcpPacket tcp = p.get(TcpPacket.class);
                UdpPacket udp = p.get(UdpPacket.class);
                String k = tcp != null ? key(6, tcp.getHeader().getSrcPort().valueAsInt(), tcp.getHeader().getDstPort().valueAsInt())
                        : udp != null ? key(17, udp.getHeader().getSrcPort().valueAsInt(), udp.getHeader().getDstPort().valueAsInt())
                        : key(ip.getHeader().getProtocol().value() & 0xFF, -1, -1);
                m.merge(k, 1L, Long::sum);
            }
        }
        return m;
    }
}
