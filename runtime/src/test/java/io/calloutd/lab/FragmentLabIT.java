package io.calloutd.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.daemon.StatsSnapshot;
import io.calloutd.fragment.FragmentationResult;
import io.calloutd.fragment.Fragmenter;
import io.calloutd.nativebridge.NetNs;
import io.calloutd.nativebridge.RawIpSocket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.IpV6SimpleFlowLabel;
import org.pcap4j.packet.IpV6SimpleTrafficClass;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.UdpPort;

/**
 * Fragments through the daemon with MTU 1500 on the client side and 1280 on the server side: the daemon
 * reassembles, decides once per datagram, refragments to fit (or tells the sender the MTU), and never turns a
 * corrupted datagram into one the destination accepts. Covers the lab list: large pings (IPv4 and IPv6,
 * up to 30000 bytes), 60 KB UDP datagrams (IPv4 and IPv6), TCP over IPv4 and IPv6, and corrupted-checksum UDP
 * datagrams, plain and fragmented, over IPv4 and IPv6.
 */
class FragmentLabIT {
    private static final Path JAR = Path.of(System.getProperty("calloutd.jar", "runtime/target/calloutd.jar"));

    @Test
    void largeDatagramsCrossAMtuStepAndCorruptionIsNotLaundered() throws Exception {
        try (LabTopology lab = LabTopology.create(1500, 1280); DaemonProcess daemon = DaemonProcess.startGateway(lab, JAR)) {
            assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V4, 3, 4000)).as("4000-byte IPv4 pings").isEqualTo(3);
            assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V4, 2, 30_000)).as("30000-byte IPv4 pings").isEqualTo(2);
            // The first 3000-byte IPv6 echo arrives in 1500-byte fragments, too big for the 1280 side: the
            // daemon answers packet-too-big (routers never fragment IPv6), the client learns the path MTU.
            assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V6, 5, 3000)).as("3000-byte IPv6 pings").isGreaterThanOrEqualTo(4);
            // The path MTU is now known: a 30000-byte echo leaves in 1280-byte fragments and every one arrives.
            assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V6, 2, 30_000)).as("30000-byte IPv6 pings").isEqualTo(2);

            Traffic.UdpResult udp4 = Traffic.udpEcho(lab.client(), lab.server(), LabTopology.SERVER_V4, 6001, 20, 60_000);
            assertThat(udp4.echoedIntact()).as("60 KB UDP/IPv4 datagrams echoed intact").isEqualTo(20);
            Traffic.UdpResult udp6 = Traffic.udpEcho(lab.client(), lab.server(), LabTopology.SERVER_V6, 6002, 20, 60_000);
            assertThat(udp6.echoedIntact()).as("60 KB UDP/IPv6 datagrams echoed intact").isGreaterThanOrEqualTo(19);

            Traffic.TcpResult tcp = Traffic.tcpDownload(lab.client(), lab.server(), LabTopology.SERVER_V4, 6003, 4L << 20);
            assertThat(tcp.intact()).as("TCP/IPv4 across the MTU step").isTrue();
            Traffic.TcpResult tcp6 = Traffic.tcpDownload(lab.client(), lab.server(), LabTopology.SERVER_V6, 6004, 4L << 20);
            assertThat(tcp6.intact()).as("TCP/IPv6 across the MTU step").isTrue();

            corruptedDatagramsAreNotDelivered(lab, false);
            corruptedDatagramsAreNotDelivered(lab, true);

            Thread.sleep(600);
            StatsSnapshot s = daemon.stats();
            assertThat(s.datagramsReassembled()).as("datagrams reassembled")
                    .isGreaterThanOrEqualTo(3 + 2 + 3 + 2 + 20 + 20 + 20 + 20 + 2 * 2);
            assertThat(s.fragmentsOut()).as("refragmented pieces").isGreaterThan(0);
            assertThat(s.icmpErrorsSent()).as("ICMPv6 packet-too-big sent").isGreaterThanOrEqualTo(1);
            assertThat(s.dropsFragment()).isZero();
            assertThat(s.dropsMalformed()).isZero();
            assertThat(s.receiverErrors()).isZero();
            assertThat(s.unaccounted()).as("every packet reinjected, held or counted").isZero();
        }
    }

    /**
     * A UDP datagram with a wrong checksum, plain and fragmented, is not delivered, and the receiving kernel
     * counts it as a checksum error (so it crossed the daemon and was refused for its checksum, not lost on the
     * way); the same datagram intact is delivered. IPv6 fragments are cut at 1280 bytes, the server side's MTU,
     * as a sender that has learnt the path MTU would.
     */
    private static void corruptedDatagramsAreNotDelivered(LabTopology lab, boolean v6) throws Exception {
        int port = v6 ? 6106 : 6100;
        String server = v6 ? LabTopology.SERVER_V6 : LabTopology.SERVER_V4;
        ExecutorService serverThread = NetNs.executor(lab.server());
        try (DatagramSocket socket = serverThread.submit(() -> {
            DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(server), port));
            s.setSoTimeout(1500);
            return s;
        }).get(5, TimeUnit.SECONDS);
             RawIpSocket raw = NetNs.call(lab.client(), () -> v6 ? RawIpSocket.openIpv6(0) : RawIpSocket.openIpv4(0))) {
            for (int payload : new int[] {200, 3000}) {
                long csumErrorsBefore = udpChecksumErrors(lab.server(), v6);
                assertThat(sendAndReceive(serverThread, socket, raw, udp(v6, payload, port, true), v6))
                        .as("corrupted %d-byte IPv%d datagram delivered", payload, v6 ? 6 : 4).isNull();
                assertThat(udpChecksumErrors(lab.server(), v6) - csumErrorsBefore)
                        .as("receiver counted the corrupted %d-byte IPv%d datagram", payload, v6 ? 6 : 4).isEqualTo(1);
                assertThat(sendAndReceive(serverThread, socket, raw, udp(v6, payload, port, false), v6))
                        .as("intact %d-byte IPv%d datagram delivered", payload, v6 ? 6 : 4).isEqualTo(payload);
            }
        } finally {
            serverThread.shutdownNow();
        }
    }

    /** The server namespace's UDP checksum-error counter (/proc/net/snmp Udp InCsumErrors, or Udp6InCsumErrors). */
    private static long udpChecksumErrors(String ns, boolean v6) throws Exception {
        String text = NetNs.call(ns, () -> Files.readString(Path.of(v6 ? "/proc/thread-self/net/snmp6"
                : "/proc/thread-self/net/snmp")));
        List<String[]> udpLines = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (v6 && f.length == 2 && f[0].equals("Udp6InCsumErrors")) {
                return Long.parseLong(f[1]);
            }
            if (!v6 && f[0].equals("Udp:")) {
                udpLines.add(f);
            }
        }
        if (!v6 && udpLines.size() == 2) {
            List<String> names = Arrays.asList(udpLines.get(0));
            int i = names.indexOf("InCsumErrors");
            if (i > 0) {
                return Long.parseLong(udpLines.get(1)[i]);
            }
        }
        throw new IllegalStateException("no UDP checksum error counter in " + text);
    }

    private static Integer sendAndReceive(ExecutorService serverThread, DatagramSocket server, RawIpSocket raw,
                                          byte[] datagram, boolean v6) throws Exception {
        Future<Integer> received = serverThread.submit(() -> {
            DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
            try {
                server.receive(p);
                return p.getLength();
            } catch (SocketTimeoutException none) {
                return null;
            }
        });
        Thread.sleep(100);
        ByteBuf whole = PooledByteBufAllocator.DEFAULT.directBuffer(datagram.length).writeBytes(datagram);
        List<ByteBuf> fragments = new ArrayList<>();
        try {
            if (datagram.length > 1280) {
                Fragmenter fragmenter = new Fragmenter(PooledByteBufAllocator.DEFAULT);
                FragmentationResult r = v6 ? fragmenter.fragmentV6(whole, 1500, 1280, 0x6100 + datagram.length, fragments)
                        : fragmenter.fragmentV4(whole, 1500, 0, fragments);
                assertThat(r).isSameAs(FragmentationResult.FRAGMENTED);
                for (ByteBuf f : fragments) {
                    raw.send(f);
                }
            } else {
                raw.send(whole);
            }
        } finally {
            whole.release();
            fragments.forEach(ByteBuf::release);
        }
        return received.get(5, TimeUnit.SECONDS);
    }

    /** A UDP datagram client → server built by pcap4j, its UDP checksum correct or off by one. */
    private static byte[] udp(boolean v6, int payloadLength, int port, boolean corrupt) throws Exception {
        byte[] payload = new byte[payloadLength];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 7);
        }
        InetAddress src = InetAddress.getByName(v6 ? LabTopology.CLIENT_V6 : LabTopology.CLIENT_V4);
        InetAddress dst = InetAddress.getByName(v6 ? LabTopology.SERVER_V6 : LabTopology.SERVER_V4);
        UdpPacket.Builder udp = new UdpPacket.Builder().srcPort(new UdpPort((short) 40000, "")).dstPort(new UdpPort((short) port, ""))
                .srcAddr(src).dstAddr(dst).payloadBuilder(new UnknownPacket.Builder().rawData(payload))
                .correctLengthAtBuild(true).correctChecksumAtBuild(true);
        byte[] bytes;
        int ipHeader;
        if (v6) {
            bytes = new IpV6Packet.Builder().version(IpVersion.IPV6).trafficClass(IpV6SimpleTrafficClass.newInstance((byte) 0))
                    .flowLabel(IpV6SimpleFlowLabel.newInstance(0)).nextHeader(IpNumber.UDP).hopLimit((byte) 64)
                    .srcAddr((Inet6Address) src).dstAddr((Inet6Address) dst).payloadBuilder(udp).correctLengthAtBuild(true)
                    .build().getRawData();
            ipHeader = 40;
        } else {
            bytes = new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc791Tos.newInstance((byte) 0))
                    .identification((short) (port + payloadLength)).ttl((byte) 64).protocol(IpNumber.UDP)
                    .srcAddr((Inet4Address) src).dstAddr((Inet4Address) dst).payloadBuilder(udp).correctChecksumAtBuild(true)
                    .correctLengthAtBuild(true).build().getRawData();
            ipHeader = 20;
        }
        if (corrupt) {
            bytes[ipHeader + 6] ^= 0x01; // the UDP checksum field: the datagram is otherwise intact
        }
        return bytes;
    }
}
