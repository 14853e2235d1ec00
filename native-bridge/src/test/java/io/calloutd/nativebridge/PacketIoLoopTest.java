package io.calloutd.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PacketIoLoopTest {
    private static final int PORT = 9999;
    private TestNamespace ns;
    private TunDevice tun;
    private DatagramSocket sock;
    private final InetSocketAddress peer = new InetSocketAddress("198.18.100.2", PORT);

    @BeforeEach
    void setUp() throws Exception {
        ns = new TestNamespace();
        tun = NetNs.call(ns.name, () -> TunDevice.create("cbt0", 1, false));
        ns.ip("addr", "add", "198.18.100.1/24", "dev", "cbt0");
        ns.ip("link", "set", "cbt0", "up");
        sock = NetNs.call(ns.name, () -> new DatagramSocket(new InetSocketAddress("198.18.100.1", 0)));
    }

    @AfterEach
    void tearDown() throws IOException {
        try {
            sock.close();
            tun.close();
        } finally {
            String name = ns.name;
            ns.close();
            assertThat(TestNamespace.exists(name)).as("netns %s left behind", name).isFalse();
        }
    }

    private void send(int seq) throws IOException {
        byte[] payload = {(byte) (seq >> 8), (byte) seq};
        sock.send(new DatagramPacket(payload, payload.length, peer));
    }

    private static boolean isOurs(ByteBuf p) {
        int i = p.readerIndex();
        return p.readableBytes() == 30 && (p.getByte(i) & 0xf0) == 0x40 && p.getByte(i + 9) == 17
                && p.getUnsignedShort(i + 22) == PORT;
    }

    @Test
    void batchesAreBoundedReceiverErrorsAreCountedAndEveryBufferIsReleased() throws Exception {
        int total = 40;
        int readBatch = 4;
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);
        AtomicInteger delivered = new AtomicInteger();
        AtomicInteger batchEnds = new AtomicInteger();
        AtomicInteger inBatch = new AtomicInteger();
        AtomicInteger maxBatch = new AtomicInteger();
        CompletableFuture<Void> all = new CompletableFuture<>();
        try (PacketIoLoop loop = new PacketIoLoop("cbt-io", alloc, 1500, readBatch)) {
            loop.register(tun.queues().get(0), new PacketReceiver() {
                @Override
                public void onPacket(TunQueue q, ByteBuf packet) {
                    maxBatch.accumulateAndGet(inBatch.incrementAndGet(), Math::max);
                    boolean ours = isOurs(packet);
                    int seq = ours ? packet.getUnsignedShort(packet.readerIndex() + 28) : -1;
                    assertThat(packet.isDirect()).isTrue();
                    packet.release();
                    if (ours && delivered.incrementAndGet() == total) {
                        all.complete(null);
                    }
                    if (ours && seq % 10 == 0) {
                        throw new IllegalStateException("receiver bug on packet " + seq);
                    }
                }

                @Override
                public void onBatchEnd() {
                    batchEnds.incrementAndGet();
                    inBatch.set(0);
                }
            });
            for (int i = 0; i < total; i++) {
                send(i);
            }
            all.get(5, TimeUnit.SECONDS);
            CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
            loop.execute(() -> onLoop.complete(loop.inEventLoop()));
            assertThat(onLoop.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(loop.inEventLoop()).isFalse();
            assertThat(loop.receiverErrors()).isEqualTo(4); // seq 0, 10, 20, 30
            assertThat(loop.readErrors()).isZero();
            assertThat(loop.packetsRead()).isGreaterThanOrEqualTo(total);
            assertThat(maxBatch.get()).isLessThanOrEqualTo(readBatch);
            assertThat(batchEnds.get()).isGreaterThanOrEqualTo(total / readBatch);
        }
        // The receiver released every packet and the loop released its spare buffers.
        assertThat(alloc.metric().usedDirectMemory()).isZero();
    }

    @Test
    void deregisteredQueueIsNoLongerReadByTheLoop() throws Exception {
        BlockingQueue<Integer> seen = new LinkedBlockingQueue<>();
        try (PacketIoLoop loop = new PacketIoLoop("cbt-io", UnpooledByteBufAllocator.DEFAULT, 1500, 8)) {
            TunQueue q = tun.queues().get(0);
            loop.register(q, (queue, p) -> {
                if (isOurs(p)) {
                    seen.add(p.getUnsignedShort(p.readerIndex() + 28));
                }
                p.release();
            });
            send(1);
            assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo(1);
            loop.deregister(q);
            send(2);
            assertThat(seen.poll(300, TimeUnit.MILLISECONDS)).isNull();
            // The packet is still waiting in the queue for whoever reads it next.
            ByteBuf buf = Unpooled.directBuffer(1500);
            try {
                boolean found = false;
                while (!found && q.read(buf) > 0) {
                    found = isOurs(buf) && buf.getUnsignedShort(28) == 2;
                    buf.clear();
                }
                assertThat(found).isTrue();
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void registeringAClosedQueueFailsWithNativeException() throws Exception {
        TunDevice other = NetNs.call(ns.name, () -> TunDevice.create("cbt1", 1, false));
        other.close();
        try (PacketIoLoop loop = new PacketIoLoop("cbt-io", UnpooledByteBufAllocator.DEFAULT, 1500, 8)) {
            NativeException e = org.junit.jupiter.api.Assertions.assertThrows(NativeException.class,
                    () -> loop.register(other.queues().get(0), (q, p) -> p.release()));
            assertThat(e.call()).startsWith("epoll_ctl(");
            assertThat(e.errno()).isEqualTo(NativeException.EBADF);
        }
    }

    static InetAddress addr(String s) throws IOException {
        return InetAddress.getByName(s);
    }
}
