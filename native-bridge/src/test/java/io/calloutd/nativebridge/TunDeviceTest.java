package io.calloutd.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TunDeviceTest {
    private TestNamespace ns;

    @BeforeEach
    void setUp() throws IOException {
        ns = new TestNamespace();
    }

    @AfterEach
    void tearDown() throws IOException {
        String name = ns.name;
        ns.close();
        assertThat(TestNamespace.exists(name)).as("netns %s left behind", name).isFalse();
    }

    private TunDevice createTun(String name, int queues, boolean vnet) throws Exception {
        return NetNs.call(ns.name, () -> TunDevice.create(name, queues, vnet));
    }

    @Test
    void createsMultiQueueNonBlockingTunThatDisappearsOnClose() throws Exception {
        TunDevice tun = createTun("cbt%d", 2, false);
        try {
            assertThat(tun.name()).isEqualTo("cbt0");
            assertThat(tun.queues()).hasSize(2);
            for (int i = 0; i < 2; i++) {
                TunQueue q = tun.queues().get(i);
                assertThat(q.index()).isEqualTo(i);
                assertThat(q.vnetHeader()).isFalse();
                assertThat(LibC.fcntl(q.fd().intValue(), LibC.F_GETFL, 0) & LibC.O_NONBLOCK).isNotZero();
            }
            String details = ns.ip("-d", "link", "show", "dev", "cbt0");
            assertThat(details).contains("tun type tun pi off vnet_hdr off multi_queue");
            // Nothing queued yet: a read reports EAGAIN as 0 and leaves the buffer alone.
            ByteBuf buf = Unpooled.directBuffer(2048);
            try {
                assertThat(tun.queues().get(0).read(buf)).isZero();
                assertThat(buf.writerIndex()).isZero();
            } finally {
                buf.release();
            }
        } finally {
            tun.close();
        }
        assertThatThrownBy(() -> ns.ip("link", "show", "dev", "cbt0"))
                .isInstanceOf(IOException.class).hasMessageContaining("does not exist");
        tun.close(); // idempotent
    }

    @Test
    void vnetHeaderSizeAndOffloadsAreAccepted() throws Exception {
        try (TunDevice tun = createTun("cbtv0", 2, true)) {
            assertThat(tun.vnetHeader()).isTrue();
            assertThat(tun.queues().get(1).vnetHeader()).isTrue();
            assertThat(tun.vnetHeaderSize()).isEqualTo(VirtioNetHeader.SIZE);
            tun.setVnetHeaderSize(VirtioNetHeader.SIZE_MRG_RXBUF);
            assertThat(tun.vnetHeaderSize()).isEqualTo(12);
            tun.setOffload(TunDevice.TUN_F_CSUM | TunDevice.TUN_F_TSO4 | TunDevice.TUN_F_TSO6);
            tun.setOffload(0);
            assertThat(ns.ip("-d", "link", "show", "dev", "cbtv0")).contains("vnet_hdr on multi_queue");
            NativeException e = org.junit.jupiter.api.Assertions.assertThrows(NativeException.class,
                    () -> tun.setVnetHeaderSize(4));
            assertThat(e.errno()).isEqualTo(NativeException.EINVAL);
            assertThat(e.getMessage()).isEqualTo("ioctl(TUNSETVNETHDRSZ, cbtv0): Invalid argument (errno 22)");
        }
    }

    @Test
    void readsRoutedUdpThroughLoopAndInjectsCraftedUdp() throws Exception {
        try (TunDevice tun = createTun("cbt0", 2, false);
             PacketIoLoop loop = new PacketIoLoop("cbt-io", PooledByteBufAllocator.DEFAULT, 2048, 16)) {
            ns.ip("addr", "add", "198.18.100.1/24", "dev", "cbt0");
            ns.ip("link", "set", "cbt0", "up");
            BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            PacketReceiver receiver = (q, pkt) -> {
                try {
                    assertThat(loop.inEventLoop()).isTrue();
                    byte[] copy = new byte[pkt.readableBytes()];
                    pkt.readBytes(copy);
                    received.add(copy);
                } finally {
                    pkt.release();
                }
            };
            for (TunQueue q : tun.queues()) {
                loop.register(q, receiver);
            }

            InetAddress local = InetAddress.getByName("198.18.100.1");
            InetAddress peer = InetAddress.getByName("198.18.100.2");
            try (DatagramSocket sock = NetNs.call(ns.name, () -> new DatagramSocket(new InetSocketAddress(local, 0)))) {
                byte[] payload = "hello through the tun".getBytes(StandardCharsets.US_ASCII);
                sock.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(peer, 9999)));

                byte[] pkt = awaitUdp4To(received, 9999);
                assertThat(pkt[0] & 0xff).isEqualTo(0x45);
                assertThat(pkt[9]).isEqualTo((byte) 17);
                assertThat(Arrays.copyOfRange(pkt, 12, 16)).isEqualTo(local.getAddress());
                assertThat(Arrays.copyOfRange(pkt, 16, 20)).isEqualTo(peer.getAddress());
                assertThat(((pkt[20] & 0xff) << 8) | (pkt[21] & 0xff)).isEqualTo(sock.getLocalPort());
                assertThat(((pkt[2] & 0xff) << 8) | (pkt[3] & 0xff)).isEqualTo(pkt.length);
                assertThat(Arrays.copyOfRange(pkt, 28, pkt.length)).isEqualTo(payload);

                // Reverse direction: a hand-built datagram from the "peer", written into the TUN, reaches the socket.
                byte[] reply = "reply from the peer".getBytes(StandardCharsets.US_ASCII);
                byte[] crafted = TestPackets.udp4(peer, 4000, local, sock.getLocalPort(), reply);
                ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(crafted.length).writeBytes(crafted);
                try {
                    assertThat(tun.queues().get(1).write(out)).isEqualTo(crafted.length);
                    assertThat(out.readerIndex()).isZero();
                } finally {
                    out.release();
                }
                sock.setSoTimeout(5000);
                DatagramPacket in = new DatagramPacket(new byte[100], 100);
                sock.receive(in);
                assertThat(Arrays.copyOf(in.getData(), in.getLength())).isEqualTo(reply);
                assertThat(in.getSocketAddress()).isEqualTo(new InetSocketAddress(peer, 4000));
            }
            assertThat(loop.receiverErrors()).isZero();
            assertThat(loop.readErrors()).isZero();
        }
    }

    @Test
    void writingGarbageIsANativeExceptionNamingTheQueue() throws Exception {
        try (TunDevice tun = createTun("cbt0", 1, false)) {
            ns.ip("link", "set", "cbt0", "up");
            ByteBuf junk = Unpooled.directBuffer(20).writeZero(20); // IP version 0
            try {
                NativeException e = org.junit.jupiter.api.Assertions.assertThrows(NativeException.class,
                        () -> tun.queues().get(0).write(junk));
                assertThat(e.call()).isEqualTo("write(cbt0 queue 0)");
                assertThat(e.errno()).isEqualTo(NativeException.EINVAL);
                assertThat(e.getMessage()).isEqualTo("write(cbt0 queue 0): Invalid argument (errno 22)");
            } finally {
                junk.release();
            }
        }
    }

    @Test
    void tunSetIffOnExistingNonTunDeviceFailsWithCallAndErrno() throws Exception {
        NativeException e = org.junit.jupiter.api.Assertions.assertThrows(NativeException.class,
                () -> createTun("lo", 1, false));
        assertThat(e.call()).isEqualTo("ioctl(TUNSETIFF, lo)");
        assertThat(e.errno()).isEqualTo(NativeException.EINVAL);
        assertThat(e.getMessage()).isEqualTo("ioctl(TUNSETIFF, lo): Invalid argument (errno 22)");
    }

    /** Waits for the IPv4 UDP packet to {@code port}, skipping anything else the kernel sends (e.g. IPv6 RS). */
    static byte[] awaitUdp4To(BlockingQueue<byte[]> received, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            byte[] p = received.poll(100, TimeUnit.MILLISECONDS);
            if (p != null && p.length >= 28 && (p[0] & 0xf0) == 0x40 && p[9] == 17
                    && (((p[22] & 0xff) << 8) | (p[23] & 0xff)) == port) {
                return p;
            }
        }
        throw new AssertionError("no UDP packet to port " + port + " within 5 s");
    }
}
