package io.calloutd.nativebridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.Future;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Netty 4.2 epoll event-loop thread that waits for TUN queues to become readable and hands each packet to a
 * {@link PacketReceiver}.
 *
 * <p>Queues are polled level-triggered: each readiness event reads at most {@code readBatch} packets, so several
 * queues on one loop are served fairly; leftover packets trigger the next round. Each packet goes into a fresh
 * {@code alloc.directBuffer(maxPacketSize)} which the receiver owns; with a pooled allocator the memory is
 * recycled, so steady state allocates no garbage. Receiver exceptions and read errors are counted and logged
 * once per exception type; they never stop the loop.
 */
public final class PacketIoLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PacketIoLoop.class);
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 5;

    private final ByteBufAllocator alloc;
    private final int maxPacketSize;
    private final int readBatch;
    private final MultiThreadIoEventLoopGroup group;
    private final IoEventLoop loop;
    private final Map<TunQueue, IoRegistration> registrations = new ConcurrentHashMap<>();
    // Touched only on the loop thread.
    private final Set<Class<?>> loggedErrorTypes = new HashSet<>();
    // Single writer (the loop thread); volatile so other threads see current values.
    private volatile long packetsRead;
    private volatile long receiverErrors;
    private volatile long readErrors;
    private volatile boolean closed;

    /**
     * Starts the loop thread.
     *
     * @param threadName name of the loop thread
     * @param alloc allocator for packet buffers; should be pooled to avoid garbage per packet
     * @param maxPacketSize capacity of each packet buffer (MTU, plus vnet header, or 65 550 with GSO offloads)
     * @param readBatch maximum packets read per readiness event per queue
     * @throws UnsatisfiedLinkError if Netty's native epoll is not available on this machine
     */
    public PacketIoLoop(String threadName, ByteBufAllocator alloc, int maxPacketSize, int readBatch) {
        if (maxPacketSize < 1 || readBatch < 1) {
            throw new IllegalArgumentException("maxPacketSize and readBatch must be >= 1");
        }
        Epoll.ensureAvailability();
        this.alloc = alloc;
        this.maxPacketSize = maxPacketSize;
        this.readBatch = readBatch;
        // FastThreadLocalThread so the pooled allocator gives this thread its own cache.
        this.group = new MultiThreadIoEventLoopGroup(1, r -> {
            Thread t = new FastThreadLocalThread(r, threadName);
            t.setDaemon(true);
            return t;
        }, EpollIoHandler.newFactory());
        this.loop = group.next();
    }

    /**
     * Starts reading {@code queue} and delivering its packets to {@code receiver}. Blocks until registered.
     *
     * @param queue an open TUN queue not yet registered with this loop
     * @param receiver gets every packet read from the queue, on the loop thread
     * @throws NativeException if epoll rejects the fd (e.g. EBADF for a closed queue)
     * @throws IllegalStateException if the loop is closed or the queue is already registered
     */
    public void register(TunQueue queue, PacketReceiver receiver) throws NativeException {
        if (closed) {
            throw new IllegalStateException("PacketIoLoop closed");
        }
        if (registrations.containsKey(queue)) {
            throw new IllegalStateException("already registered: " + queue);
        }
        Future<IoRegistration> f = loop.register(new QueueHandle(queue, receiver));
        try {
            IoRegistration reg = await(f, queue);
            registrations.put(queue, reg);
            // Netty registers with EPOLLERR only; ask for readability (level-triggered: no EPOLLET).
            Future<Long> armed = loop.submit(() -> reg.submit(EpollIoOps.EPOLLIN));
            await(armed, queue);
        } catch (NativeException e) {
            deregister(queue);
            throw e;
        }
    }

    private <T> T await(Future<T> f, TunQueue queue) throws NativeException {
        if (loop.inEventLoop() && !f.isDone()) {
            throw new IllegalStateException("cannot block on the loop thread");
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering " + queue, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof java.io.IOException) {
                throw NativeException.fromNetty("epoll_ctl(" + queue + ")", (java.io.IOException) c);
            }
            throw new IllegalStateException("registering " + queue + " failed", c);
        }
    }

    /**
     * Stops reading {@code queue}. Does nothing if it is not registered. Does not close the queue.
     *
     * @param queue a queue previously passed to {@link #register}
     */
    public void deregister(TunQueue queue) {
        IoRegistration reg = registrations.remove(queue);
        if (reg != null) {
            reg.cancel();
        }
    }

    /**
     * Runs {@code task} on the loop thread (e.g. to touch state owned by receivers).
     *
     * @param task the task; must not block
     */
    public void execute(Runnable task) {
        loop.execute(task);
    }

    /** @return whether the calling thread is this loop's thread */
    public boolean inEventLoop() {
        return loop.inEventLoop();
    }

    /** @return packets delivered to receivers so far */
    public long packetsRead() {
        return packetsRead;
    }

    /** @return exceptions thrown by receivers ({@code onPacket} or {@code onBatchEnd}) so far */
    public long receiverErrors() {
        return receiverErrors;
    }

    /** @return failed reads (errors other than EAGAIN) so far */
    public long readErrors() {
        return readErrors;
    }

    /** Deregisters every queue, shuts the loop down and waits (up to 5 s) for its thread to end. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (TunQueue q : registrations.keySet()) {
            deregister(q);
        }
        group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT_SECONDS + 1, TimeUnit.SECONDS);
    }

    private void readBatch(TunQueue queue, PacketReceiver receiver) {
        int delivered = 0;
        ByteBuf buf = null;
        try {
            while (delivered < readBatch) {
                if (buf == null) {
                    buf = alloc.directBuffer(maxPacketSize, maxPacketSize);
                }
                int n;
                try {
                    n = queue.read(buf);
                } catch (NativeException e) {
                    readErrors++;
                    logOnce(e, "read from " + queue + " failed");
                    if (e.errno() == NativeException.EBADF) {
                        // A closed fd stays "ready" forever: stop polling it instead of spinning.
                        deregister(queue);
                    }
                    break;
                }
                if (n == 0) {
                    break;
                }
                ByteBuf packet = buf;
                buf = null; // ownership moves to the receiver
                delivered++;
                packetsRead++;
                try {
                    receiver.onPacket(queue, packet);
                } catch (Throwable t) {
                    receiverErrors++;
                    logOnce(t, "receiver failed on a packet from " + queue);
                }
            }
        } finally {
            if (buf != null) {
                buf.release();
            }
        }
        if (delivered > 0) {
            try {
                receiver.onBatchEnd();
            } catch (Throwable t) {
                receiverErrors++;
                logOnce(t, "receiver failed at batch end for " + queue);
            }
        }
    }

    private void logOnce(Throwable t, String what) {
        if (loggedErrorTypes.add(t.getClass())) {
            LOG.warn("{} (further {} are counted, not logged)", what, t.getClass().getSimpleName(), t);
        }
    }

    /** Adapts a TUN queue to Netty's epoll handle contract. */
    private final class QueueHandle implements EpollIoHandle {
        private final TunQueue queue;
        private final PacketReceiver receiver;

        QueueHandle(TunQueue queue, PacketReceiver receiver) {
            this.queue = queue;
            this.receiver = receiver;
        }

        @Override
        public FileDescriptor fd() {
            return queue.fd();
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            // EPOLLIN or EPOLLERR: either way a read tells us what is going on.
            readBatch(queue, receiver);
        }

        @Override
        public void close() {
            // The TunDevice owns the fd; Netty calls this on shutdown, and we must not close it here.
        }
    }
}
