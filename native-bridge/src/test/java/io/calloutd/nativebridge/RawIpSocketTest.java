package io.calloutd.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RawIpSocketTest {
    private static final int MARK = 0x2a;
    private TestNamespace ns;

    @BeforeEach
    void setUp() throws IOException {
        ns = new TestNamespace();
        ns.ip("link", "add", "veth0", "type", "veth", "peer", "name", "veth1");
        ns.ip("link", "set", "veth1", "up");
        ns.ip("addr", "add", "198.18.60.1/24", "dev", "veth0");
        ns.ip("-6", "addr", "add", "fd00:60::1/64", "dev", "veth0", "nodad");
        ns.ip("link", "set", "veth0", "up");
    }

    @AfterEach
    void tearDown() throws IOException {
        String name = ns.name;
        ns.close();
        assertThat(TestNamespace.exists(name)).as("netns %s left behind", name).isFalse();
    }

    private static byte[] receive(DatagramSocket s, InetSocketAddress expectedFrom) throws IOException {
        s.setSoTimeout(5000);
        DatagramPacket in = new DatagramPacket(new byte[200], 200);
        s.receive(in);
        assertThat(in.getSocketAddress()).isEqualTo(expectedFrom);
        return Arrays.copyOf(in.getData(), in.getLength());
    }

    @Test
    void sendsHandBuiltIpv4UdpToItsHeaderDestinationWithMark() throws Exception {
        InetAddress local = InetAddress.getByName("198.18.60.1");
        // A source that is not local: IP_HDRINCL sends the header exactly as built.
        InetAddress spoofed = InetAddress.getByName("198.18.60.9");
        byte[] payload = "raw v4".getBytes(StandardCharsets.US_ASCII);
        try (DatagramSocket server = NetNs.call(ns.name, () -> new DatagramSocket(new InetSocketAddress(local, 0)));
             RawIpSocket raw = NetNs.call(ns.name, () -> RawIpSocket.openIpv4(MARK))) {
            assertThat(raw.isIpv6()).isFalse();
            assertThat(raw.mark()).isEqualTo(MARK);
            byte[] pkt = TestPackets.udp4(spoofed, 4000, local, server.getLocalPort(), payload);
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64).writeBytes(pkt);
            try {
                assertThat(raw.send(buf)).isEqualTo(pkt.length);
                assertThat(buf.readerIndex()).isZero();
            } finally {
                buf.release();
            }
            assertThat(receive(server, new InetSocketAddress(spoofed, 4000))).isEqualTo(payload);
            // A heap buffer goes through the scratch copy path.
            ByteBuf heap = Unpooled.wrappedBuffer(pkt);
            assertThat(raw.send(heap)).isEqualTo(pkt.length);
            assertThat(receive(server, new InetSocketAddress(spoofed, 4000))).isEqualTo(payload);
        }
    }

    @Test
    void sendsHandBuiltIpv6UdpToItsHeaderDestination() throws Exception {
        InetAddress local = InetAddress.getByName("fd00:60::1");
        InetAddress spoofed = InetAddress.getByName("fd00:60::9");
        byte[] payload = "raw v6 payload".getBytes(StandardCharsets.US_ASCII);
        try (DatagramSocket server = NetNs.call(ns.name, () -> new DatagramSocket(new InetSocketAddress(local, 0)));
             RawIpSocket raw = NetNs.call(ns.name, () -> RawIpSocket.openIpv6(MARK))) {
            assertThat(raw.isIpv6()).isTrue();
            assertThat(raw.mark()).isEqualTo(MARK);
            byte[] pkt = TestPackets.udp6(spoofed, 4001, local, server.getLocalPort(), payload);
            ByteBuf buf = Unpooled.directBuffer(128).writeBytes(pkt);
            try {
                assertThat(raw.send(buf)).isEqualTo(pkt.length);
            } finally {
                buf.release();
            }
            assertThat(receive(server, new InetSocketAddress(spoofed, 4001))).isEqualTo(payload);
        }
    }

    @Test
    void markSelectsThePolicyRoutingTable() throws Exception {
        // Marked packets look up table 42, which prohibits 198.18.61.0/24; unmarked ones use main, which routes it.
        ns.ip("route", "add", "198.18.61.0/24", "dev", "veth0");
        ns.ip("route", "add", "prohibit", "198.18.61.0/24", "table", "42");
        ns.ip("rule", "add", "fwmark", String.valueOf(MARK), "lookup", "42", "pref", "100");
        byte[] pkt = TestPackets.udp4(InetAddress.getByName("198.18.60.1"), 4000,
                InetAddress.getByName("198.18.61.5"), 5000, new byte[] {1, 2, 3});
        ByteBuf buf = Unpooled.directBuffer(64).writeBytes(pkt);
        try (RawIpSocket marked = NetNs.call(ns.name, () -> RawIpSocket.openIpv4(MARK));
             RawIpSocket unmarked = NetNs.call(ns.name, () -> RawIpSocket.openIpv4(0))) {
            assertThat(unmarked.mark()).isZero();
            assertThat(unmarked.send(buf)).isEqualTo(pkt.length);
            NativeException e = assertThrows(NativeException.class, () -> marked.send(buf));
            assertThat(e.call()).isEqualTo("sendto(raw IPv4)");
            assertThat(e.errno()).isEqualTo(NativeException.EACCES);
            assertThat(e.getMessage()).isEqualTo("sendto(raw IPv4): Permission denied (errno 13)");
        } finally {
            buf.release();
        }
    }

    private static void closeTwice(AutoCloseable c) throws Exception {
        c.close();
        c.close();
    }

    @Test
    void rejectsBytesThatAreNotAPacketOfItsFamily() throws Exception {
        try (RawIpSocket v4 = NetNs.call(ns.name, () -> RawIpSocket.openIpv4(0))) {
            ByteBuf shortBuf = Unpooled.directBuffer(8).writeBytes(new byte[] {0x45, 0, 0, 8, 0, 0, 0, 0});
            ByteBuf v6 = Unpooled.wrappedBuffer(TestPackets.udp6(InetAddress.getByName("fd00:60::9"), 1,
                    InetAddress.getByName("fd00:60::1"), 2, new byte[0]));
            try {
                assertThatThrownBy(() -> v4.send(shortBuf)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("not an IPv4 packet");
                assertThatThrownBy(() -> v4.send(v6)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("version 6");
            } finally {
                shortBuf.release();
                v6.release();
            }
            closeTwice(v4); // idempotent
            assertThatThrownBy(() -> v4.send(shortBuf)).isInstanceOf(IllegalStateException.class);
        }
    }
}
