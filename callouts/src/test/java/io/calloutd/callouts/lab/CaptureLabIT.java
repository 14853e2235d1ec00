package io.calloutd.callouts.lab;

import static io.calloutd.callouts.lab.LabSupport.num;
import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.callouts.lab.TsharkPackets.Pkt;
import io.calloutd.lab.DaemonProcess;
import io.calloutd.lab.LabTopology;
import io.calloutd.lab.Traffic;
import io.calloutd.nativebridge.NetNs;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code capture} callout in a real gateway: real ping, TCP and UDP cross it, the callout (inline inspection at
 * the IP packet and transport layers, conditions selecting one port / one address) writes a pcapng file, and tshark
 * reads exactly the selected packets back — counts, 5-tuples and bytes compared with what the test sent, the other
 * traffic absent; with a small {@code maxBytes} the files rotate and together still hold every packet in order; with
 * {@code onlyDrops} only the packets a BLOCK filter blocked appear.
 */
class CaptureLabIT {
    static final String C = LabTopology.CLIENT_V4, S = LabTopology.SERVER_V4;
    static final String PING_TARGET = "198.18.2.50"; // a second server address, added in the server namespace
    static final int UDP_PORT = 5501, UDP_OTHER = 5502, TCP_PORT = 5601, TCP_OTHER = 5602;

    private static String filter(String id, String layer, String callout, String sublayer, String... conditions) {
        return "  - {id: " + id + ", layer: " + layer + ", action: CALLOUT_INSPECTION, callout: " + callout
                + (sublayer == null ? "" : ", sublayer: " + sublayer)
                + ", conditions: [" + String.join(", ", conditions) + "]}\n";
    }

    private static String cond(String field, Object value) {
        return "{field: " + field + ", value: " + value + "}";
    }

    /**
     * With the TUN offloads on (the default) a checksum the sender left partial is completed by the daemon before
     * classification while callouts are registered; with {@code --no-offload} the kernel completes every checksum
     * before the TUN. Either way tshark finds none bad.
     */
    @ParameterizedTest(name = "offload={0}")
    @ValueSource(booleans = {true, false})
    void tsharkReadsExactlyTheSelectedPingTcpAndUdpPackets(boolean offload) throws Exception {
        Path dir = Files.createTempDirectory("calloutd-capture-");
        Path file = dir.resolve("selected.pcapng");
        String policy = "callouts:\n  - {id: cap, type: capture, params: {file: " + file + "}}\nfilters:\n"
                + filter("cap-udp-out", "OUTBOUND_TRANSPORT_V4", "cap", null, cond("IP_PROTOCOL", "udp"), cond("IP_REMOTE_PORT", UDP_PORT))
                + filter("cap-udp-in", "INBOUND_TRANSPORT_V4", "cap", null, cond("IP_PROTOCOL", "udp"), cond("IP_REMOTE_PORT", UDP_PORT))
                + filter("cap-tcp-out", "OUTBOUND_TRANSPORT_V4", "cap", null, cond("IP_PROTOCOL", "tcp"), cond("IP_REMOTE_PORT", TCP_PORT))
                + filter("cap-tcp-in", "INBOUND_TRANSPORT_V4", "cap", null, cond("IP_PROTOCOL", "tcp"), cond("IP_REMOTE_PORT", TCP_PORT))
                + filter("cap-icmp-out", "OUTBOUND_IPPACKET_V4", "cap", null, cond("IP_PROTOCOL", "icmp"), cond("IP_REMOTE_ADDRESS", PING_TARGET))
                + filter("cap-icmp-in", "INBOUND_IPPACKET_V4", "cap", null, cond("IP_PROTOCOL", "icmp"), cond("IP_REMOTE_ADDRESS", PING_TARGET));
        try (LabTopology lab = LabTopology.create()) {
            lab.ipIn(lab.server(), "addr", "add", PING_TARGET + "/24", "dev", "eth0");
            Traffic.TcpResult tcp;
            String[] args = offload ? new String[] {"--config", LabSupport.policy(dir, policy).toString()}
                    : new String[] {"--config", LabSupport.policy(dir, policy).toString(), "--no-offload"};
            try (DaemonProcess daemon = DaemonProcess.startGateway(lab, null, args)) {
                // Selected: 10 UDP datagrams each way on UDP_PORT, one TCP download on TCP_PORT, 4 pings to PING_TARGET.
                assertThat(Traffic.udpEcho(lab.client(), lab.server(), S, UDP_PORT, 10, 300).echoedIntact()).as(daemon.log()).isEqualTo(10);
                tcp = Traffic.tcpDownload(lab.client(), lab.server(), S, TCP_PORT, 200_000);
                assertThat(tcp.intact()).isTrue();
                assertThat(Traffic.ping(lab.client(), PING_TARGET, 4, 56)).isEqualTo(4);
                // Not selected: another UDP port, another TCP port, pings to the other address.
                assertThat(Traffic.udpEcho(lab.client(), lab.server(), S, UDP_OTHER, 5, 300).echoedIntact()).isEqualTo(5);
                assertThat(Traffic.tcpDownload(lab.client(), lab.server(), S, TCP_OTHER, 50_000).intact()).isTrue();
                assertThat(Traffic.ping(lab.client(), S, 3, 56)).isEqualTo(3);
                Thread.sleep(500); // the stats file is written every 200 ms
                Map<String, Object> st = LabSupport.status(daemon.stats(), "cap");
                assertThat(num(st, "dropped")).as(st.toString()).isZero();
                assertThat(num(st, "writeErrors")).isZero();
                assertThat(num(st, "rotations")).isZero();
                assertThat(daemon.stop()).isZero(); // closing the callout drains the writer
            }

            List<Pkt> pkts = TsharkPackets.read(file);
            Map<String, List<Pkt>> byKind = pkts.stream().collect(Collectors.groupingBy(p -> switch (p.proto()) {
                case 1 -> "icmp";
                case 6 -> "tcp";
                case 17 -> "udp";
                default -> "other";
            }));
            assertThat(byKind.keySet()).as(pkts.toString()).containsOnly("icmp", "tcp", "udp");
            long partial = pkts.stream().filter(Pkt::partialChecksum).count();
            System.out.printf("capture (offload=%s): %d packets, %d with a partial transport checksum, largest TCP payload %d%n",
                    offload, pkts.size(), partial, pkts.stream().mapToInt(Pkt::tcpLen).max().orElse(0));
            // Callouts are registered: the daemon completes partial checksums before classification (callouts copy
            // and rewrite packets), so every captured checksum is valid, offloads or not.
            assertThat(partial).isZero();
            if (!offload) {
                assertThat(pkts).allMatch(p -> p.tcpLen() <= 1460);
            }

            // UDP: 10 out from one client port to UDP_PORT, 10 back, payloads exactly what Traffic.udpEcho sent, in order.
            List<Pkt> udp = byKind.get("udp");
            int clientPort = udp.get(0).srcPort();
            List<Pkt> udpOut = udp.stream().filter(p -> p.src().equals(C)).toList();
            List<Pkt> udpIn = udp.stream().filter(p -> p.src().equals(S)).toList();
            assertThat(udpOut).hasSize(10).allMatch(p -> p.tuple().equals("17 " + C + ":" + clientPort + ">" + S + ":" + UDP_PORT));
            assertThat(udpIn).hasSize(10).allMatch(p -> p.tuple().equals("17 " + S + ":" + UDP_PORT + ">" + C + ":" + clientPort));
            assertThat(udp).hasSize(20);
            List<String> sent = echoPayloads(10, 300);
            assertThat(udpOut.stream().map(Pkt::udpPayloadHex).toList()).isEqualTo(sent);
            assertThat(udpIn.stream().map(Pkt::udpPayloadHex).toList()).isEqualTo(sent);
            assertThat(udpOut).allMatch(p -> p.comment().startsWith("inspected layer=OUTBOUND_TRANSPORT_V4 "));
            assertThat(udpIn).allMatch(p -> p.comment().startsWith("inspected layer=INBOUND_TRANSPORT_V4 "));

            // TCP: one connection, one SYN each way, and every payload byte the server sent (counted once per sequence
            // number, in case of a retransmission), none from the client.
            List<Pkt> tcpPkts = byKind.get("tcp");
            int tcpClientPort = tcpPkts.get(0).srcPort();
            String out = "6 " + C + ":" + tcpClientPort + ">" + S + ":" + TCP_PORT;
            String in = "6 " + S + ":" + TCP_PORT + ">" + C + ":" + tcpClientPort;
            assertThat(tcpPkts).allMatch(p -> p.tuple().equals(out) || p.tuple().equals(in));
            assertThat(tcpPkts.stream().filter(p -> p.syn() && !p.ack()).map(Pkt::tuple).toList()).containsExactly(out);
            assertThat(tcpPkts.stream().filter(p -> p.syn() && p.ack()).map(Pkt::tuple).toList()).containsExactly(in);
            Map<Long, Integer> segments = new HashMap<>();
            tcpPkts.stream().filter(p -> p.tuple().equals(in) && p.tcpLen() > 0).forEach(p -> segments.merge(p.tcpSeq(), p.tcpLen(), Math::max));
            assertThat(segments.values().stream().mapToLong(Integer::longValue).sum()).isEqualTo(tcp.bytesSent());
            assertThat(tcpPkts.stream().filter(p -> p.tuple().equals(out)).mapToInt(Pkt::tcpLen).sum()).isZero();

            // ICMP: 4 echo requests to PING_TARGET at OUTBOUND_IPPACKET, 4 replies at INBOUND_IPPACKET; none to S.
            List<Pkt> icmp = byKind.get("icmp");
            assertThat(icmp.stream().filter(p -> p.icmpType() == 8).toList()).hasSize(4)
                    .allMatch(p -> p.tuple().equals("icmp " + C + ">" + PING_TARGET))
                    .allMatch(p -> p.comment().startsWith("inspected layer=OUTBOUND_IPPACKET_V4 "));
            assertThat(icmp.stream().filter(p -> p.icmpType() == 0).toList()).hasSize(4)
                    .allMatch(p -> p.tuple().equals("icmp " + PING_TARGET + ">" + C))
                    .allMatch(p -> p.comment().startsWith("inspected layer=INBOUND_IPPACKET_V4 "));
            assertThat(icmp).hasSize(8);
            assertThat(pkts).noneMatch(p -> p.dstPort() == UDP_OTHER || p.srcPort() == UDP_OTHER
                    || p.dstPort() == TCP_OTHER || p.srcPort() == TCP_OTHER);
        } finally {
            LabSupport.delete(dir);
        }
    }

    @Test
    void rotatedFilesTogetherHoldEveryPacketInOrder() throws Exception {
        Path dir = Files.createTempDirectory("calloutd-capture-rot-");
        Path file = dir.resolve("rot.pcapng");
        int maxBytes = 65_536, count = 150, size = 1000;
        String policy = "callouts:\n  - {id: rot, type: capture, params: {file: " + file + ", maxBytes: " + maxBytes + ", files: 20}}\nfilters:\n"
                + filter("rot-out", "OUTBOUND_TRANSPORT_V4", "rot", null, cond("IP_PROTOCOL", "udp"), cond("IP_REMOTE_PORT", UDP_PORT))
                + filter("rot-in", "INBOUND_TRANSPORT_V4", "rot", null, cond("IP_PROTOCOL", "udp"), cond("IP_REMOTE_PORT", UDP_PORT));
        try (LabTopology lab = LabTopology.create()) {
            long rotations;
            try (DaemonProcess daemon = DaemonProcess.startGateway(lab, null, "--config", LabSupport.policy(dir, policy).toString())) {
                assertThat(Traffic.udpEcho(lab.client(), lab.server(), S, UDP_PORT, count, size).echoedIntact()).as(daemon.log()).isEqualTo(count);
                assertThat(Traffic.tcpDownload(lab.client(), lab.server(), S, TCP_OTHER, 100_000).intact()).isTrue();
                Thread.sleep(500);
                Map<String, Object> st = LabSupport.status(daemon.stats(), "rot");
                assertThat(num(st, "dropped")).as(st.toString()).isZero();
                assertThat(num(st, "written")).isEqualTo(2L * count);
                rotations = num(st, "rotations");
                assertThat(daemon.stop()).isZero();
            }
            // 300 packets of about 1.1 KB in 64 KiB files: at least 4 rotations; 20 files kept, so none was deleted.
            assertThat(rotations).isBetween(4L, 19L);
            List<Path> files = new ArrayList<>();
            for (long i = rotations; i >= 1; i--) files.add(dir.resolve("rot.pcapng." + i)); // oldest first
            files.add(file);
            assertThat(dir.resolve("rot.pcapng." + (rotations + 1))).doesNotExist();
            List<Pkt> all = new ArrayList<>();
            for (Path f : files) {
                assertThat(Files.size(f)).as(f.toString()).isLessThanOrEqualTo(maxBytes);
                List<Pkt> part = TsharkPackets.read(f);
                assertThat(part).as(f + " holds packets").isNotEmpty();
                all.addAll(part);
            }
            assertThat(all).hasSize(2 * count).allMatch(p -> p.proto() == 17);
            List<String> sent = echoPayloads(count, size);
            // In file order the exchange alternates: datagram i out, its echo back.
            for (int i = 0; i < count; i++) {
                Pkt o = all.get(2 * i), b = all.get(2 * i + 1);
                assertThat(o.src() + ">" + o.dst() + ":" + o.dstPort()).isEqualTo(C + ">" + S + ":" + UDP_PORT);
                assertThat(b.src() + ":" + b.srcPort() + ">" + b.dst()).isEqualTo(S + ":" + UDP_PORT + ">" + C);
                assertThat(o.udpPayloadHex()).as("datagram " + i).isEqualTo(sent.get(i));
                assertThat(b.udpPayloadHex()).as("echo " + i).isEqualTo(sent.get(i));
            }
        } finally {
            LabSupport.delete(dir);
        }
    }

    @Test
    void onlyDropsCapturesOnlyWhatABlockFilterBlocked() throws Exception {
        Path dir = Files.createTempDirectory("calloutd-capture-drops-");
        Path file = dir.resolve("drops.pcapng");
        int blockedPort = 5504, count = 6;
        // The BLOCK filter is in the universal sublayer (weight 0x8000); the capture filters, without conditions, in a
        // lower sublayer, which is still evaluated after a higher one blocked (§1.6.1) and sees the BLOCK.
        String policy = "sublayers:\n  - {id: cap, name: capture, weight: 1}\n"
                + "callouts:\n  - {id: drops, type: capture, params: {file: " + file + ", onlyDrops: true}}\nfilters:\n"
                + "  - {id: block-udp, layer: OUTBOUND_TRANSPORT_V4, action: BLOCK, conditions: ["
                + cond("IP_PROTOCOL", "udp") + ", " + cond("IP_REMOTE_PORT", blockedPort) + "]}\n"
                + filter("drops-out", "OUTBOUND_TRANSPORT_V4", "drops", "cap")
                + filter("drops-in", "INBOUND_TRANSPORT_V4", "drops", "cap")
                + filter("drops-ip-out", "OUTBOUND_IPPACKET_V4", "drops", "cap")
                + filter("drops-ip-in", "INBOUND_IPPACKET_V4", "drops", "cap");
        try (LabTopology lab = LabTopology.create()) {
            try (DaemonProcess daemon = DaemonProcess.startGateway(lab, null, "--config", LabSupport.policy(dir, policy).toString())) {
                assertThat(sendUdp(lab, blockedPort, count, 200)).as("datagrams that reached the server; log:\n" + daemon.log()).isZero();
                assertThat(Traffic.udpEcho(lab.client(), lab.server(), S, UDP_PORT, 5, 200).echoedIntact()).isEqualTo(5);
                assertThat(Traffic.tcpDownload(lab.client(), lab.server(), S, TCP_PORT, 100_000).intact()).isTrue();
                assertThat(Traffic.ping(lab.client(), S, 3, 56)).isEqualTo(3);
                Thread.sleep(500);
                Map<String, Object> st = LabSupport.status(daemon.stats(), "drops");
                assertThat(num(st, "written")).as(st.toString()).isEqualTo(count);
                assertThat(num(st, "dropped")).isZero();
                assertThat(daemon.stop()).isZero();
            }
            List<Pkt> pkts = TsharkPackets.read(file);
            assertThat(pkts).hasSize(count);
            int clientPort = pkts.get(0).srcPort();
            assertThat(pkts).allMatch(p -> p.tuple().equals("17 " + C + ":" + clientPort + ">" + S + ":" + blockedPort))
                    .allMatch(p -> p.comment().startsWith("inspected layer=OUTBOUND_TRANSPORT_V4 "));
            assertThat(pkts.stream().map(Pkt::udpPayloadHex).toList()).isEqualTo(numberedPayloads(count, 200));
        } finally {
            LabSupport.delete(dir);
        }
    }

    /** The payloads {@link Traffic#udpEcho} sends: successive pseudo-random blocks seeded with the size. */
    private static List<String> echoPayloads(int count, int size) {
        Random random = new Random(size);
        byte[] b = new byte[size];
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            random.nextBytes(b);
            out.add(HexFormat.of().formatHex(b));
        }
        return out;
    }

    private static List<String> numberedPayloads(int count, int size) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) out.add(HexFormat.of().formatHex(payload(i, size)));
        return out;
    }

    private static byte[] payload(int i, int size) {
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) ('a' + i));
        return b;
    }

    /** Sends {@code count} datagrams from one client socket to S:port without waiting for answers; returns how many the server got. */
    private static int sendUdp(LabTopology lab, int port, int count, int size) throws Exception {
        ExecutorService server = NetNs.executor(lab.server());
        ExecutorService client = NetNs.executor(lab.client());
        try (DatagramSocket rx = server.submit(() -> {
            DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(S), port));
            s.setSoTimeout(300);
            return s;
        }).get(10, TimeUnit.SECONDS)) {
            Future<Integer> got = server.submit(() -> {
                int n = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                byte[] buf = new byte[2048];
                while (System.nanoTime() < deadline) {
                    try {
                        rx.receive(new DatagramPacket(buf, buf.length));
                        n++;
                    } catch (SocketTimeoutException idle) {
                        // keep listening until the deadline
                    }
                }
                return n;
            });
            client.submit(() -> {
                try (DatagramSocket c = new DatagramSocket()) {
                    InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(S), port);
                    for (int i = 0; i < count; i++) {
                        c.send(new DatagramPacket(payload(i, size), size, to));
                        Thread.sleep(20);
                    }
                }
                return null;
            }).get(10, TimeUnit.SECONDS);
            return got.get(10, TimeUnit.SECONDS);
        } finally {
            server.shutdownNow();
            client.shutdownNow();
        }
    }
}
