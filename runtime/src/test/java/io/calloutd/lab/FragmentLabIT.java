package io.calloutd.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.daemon.StatsSnapshot;
import io.calloutd.fragment.Fragmenter;
import io.calloutd.nativebridge.NetNs;
import io.calloutd.nativebridge.RawIpSocket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.UdpPort;

/**
 * Fragments through the daemon with MTU 1500 on the client side and 1280 on the server side: the daemon
 * reassembles, decides once per datagram, refragments to fit (or tells the sender the MTU), and never turns a
 * corrupted datagram into one the destination accepts.
 */
class FragmentLabIT {
    private static final Path JAR = Path.of(System.getProperty("calloutd.jar", "runtime/target/calloutd.jar"));

    @Test
    void largeDatagramsCrossAMtuStepAndCorruptionIsNotLaundered() throws Exception {
        try (LabTopology lab = LabTopology.create(1500, 1280); DaemonProcess daemon = DaemonProcess.startGateway(lab, JAR)) {
            assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V4, 3, 4000)).as("4000-byte IPv4 pings").isEqualTo(3);
            // The first 3000-byte IPv6 echo arrives in 1500-byte fragments, too big for the 1280 side: the
            // daemon answers packet-too-big (routers never fragment IPv6), the client learns the path MTU.
            assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V6, 5, 3000)).as("3000-byte IPv6 pings").isGreaterThanOrEqualTo(4);

            Traffic.UdpResult udp4 = Traffic.udpEcho(lab.client(), lab.server(), LabTopology.SERVER_V4, 6001, 20, 60_000);
            assertThat(udp4.echoedIntact()).as("60 KB UDP/IPv4 datagrams echoed intact").isEqualTo(20);
            Traffic.UdpResult udp6 = Traffic.udpEcho(lab.client(), lab.server(), LabTopology.SERVER_V6, 6002, 20, 60_000);
            assertThat(udp6.echoedIntact()).as("60 KB UDP/IPv6 datagrams echoed intact").isGreaterThanOrEqualTo(19);

            Traffic.TcpResult tcp = Traffic.tcpDownload(lab.client(), lab.server(), LabTopology.SERVER_V4, 6003, 4L << 20);
            assertThat(tcp.intact()).as("TCP across the MTU step").isTrue();

            corruptedDatagramsAreNotDelivered(lab);

            Thread.sleep(600);
            StatsSnapshot s = daemon.stats();
            assertThat(s.datagramsReassembled()).as("datagrams reassembled").isGreaterThanOrEqualTo(3 + 3 + 20 + 20 + 20 + 20);
            assertThat(s.fragmentsOut()).as("refragmented pieces").isGreaterThan(0);
            assertThat(s.icmpErrorsSent()).as("ICMPv6 packet-too-big sent").isGreaterThanOrEqualTo(1);
            assertThat(s.dropsFragment()).isZero();
            assertThat(s.dropsMalformed()).isZero();
            assertThat(s.receiverErrors()).isZero();
            assertThat(s.unaccounted()).as("every packet reinjected, held or counted").isZero();
        }
    }

    /** A UDP datagram with a wrong checksum, plain and fragmented, is not delivered; the same datagram intact is. */
    private static void corruptedDatagramsAreNotDelivered(LabTopology lab) throws Exception {
        int port = 6100;
        ExecutorService serverThread = NetNs.executor(lab.server());
        try (DatagramSocket server = serverThread.submit(() -> {
            DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(LabTopology.SERVER_V4), port));
            s.setSoTimeout(1500);
            return s;
        }).get(5, TimeUnit.SECONDS);
             RawIpSocket raw = NetNs.call(lab.client(), () -> RawIpSocket.openIpv4(0))) {
            for (int payload : new int[] {200, 3000}) {
                assertThat(sendAndReceive(serverThread, server, raw, udp(payload, port, true), payload))
                        .as("corrupted %d-byte datagram delivered", payload).isNull();
                assertThat(sendAndReceive(serverThread, server, raw, udp(payload, port, false), payload))
                        .as("intact %d-byte datagram delivered", payload).isEqualTo(payload);
            }
        } finally {
            serverThread.shutdownNow();
        }
    }

    private static Integer sendAndReceive(ExecutorService serverThread, DatagramSocket server, RawIpSocket raw,
                                          byte[] datagram, int payload) throws Exception {
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
            if (datagram.length > 1500) {
                new Fragmenter(PooledByteBufAllocator.DEFAULT).fragmentV4(whole, 1500, 0, fragments);
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

    /** A UDP/IPv4 datagram client → server built by pcap4j, its UDP checksum correct or off by one. */
    private static byte[] udp(int payloadLength, int port, boolean corrupt) throws Exception {
        byte[] payload = new byte[payloadLength];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 7);
        }
        Inet4Address src = (Inet4Address) InetAddress.getByName(LabTopology.CLIENT_V4);
        Inet4Address dst = (Inet4Address) InetAddress.getByName(LabTopology.SERVER_V4);
        UdpPacket.Builder udp = new UdpPacket.Builder().srcPort(new UdpPort((short) 40000, "")).dstPort(new UdpPort((short) port, ""))
                .srcAddr(src).dstAddr(dst).payloadBuilder(new UnknownPacket.Builder().rawData(payload))
                .correctLengthAtBuild(true).correctChecksumAtBuild(true);
        IpV4Packet ip = new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc791Tos.newInstance((byte) 0))
                .identification((short) (port + payloadLength)).ttl((byte) 64).protocol(IpNumber.UDP)
                .srcAddr(src).dstAddr(dst).payloadBuilder(udp).correctChecksumAtBuild(true).correctLengthAtBuild(true).build();
        byte[] bytes = ip.getRawData();
        if (corrupt) {
            bytes[20 + 6] ^= 0x01; // the UDP checksum field: the datagram is otherwise intact
        }
        return bytes;
    }
}
