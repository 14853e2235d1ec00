package io.calloutd.callout;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The DPC / work-item analogue (M-11): a bounded pool of worker threads for everything callouts must not do on the
 * classify stack (TCP injection from transport layers, out-of-band inspection and modification). Submitting never
 * blocks: a full queue is a refusal the caller reports. Tasks that throw are counted, never propagated.
 */
public final class DeferredWork implements AutoCloseable {
    private final ThreadPoolExecutor pool;
    private final ThreadGroupMarker marker = new ThreadGroupMarker();
    private final AtomicLong submitted = new AtomicLong(), rejected = new AtomicLong(), failed = new AtomicLong();

    /**
     * @param threads       worker threads (&ge; 1)
     * @param queueCapacity pending tasks before {@link #submit} refuses
     */
    public DeferredWork(int threads, int queueCapacity) {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity), r -> {
            Thread t = new Thread(() -> marker.run(r), "calloutd-deferred-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Queues {@code task}; false (counted) if the queue is full or the pool is closed. */
    public boolean submit(Runnable task) {
        try {
            pool.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException | AssertionError e) {
                    failed.incrementAndGet();
                }
            });
            submitted.incrementAndGet();
            return true;
        } catch (RejectedExecutionException e) {
            rejected.incrementAndGet();
            return false;
        }
    }

    /** True if the calling thread is one of this pool's workers. */
    public boolean onWorkerThread() { return marker.current(); }

    /** Tasks accepted. */
    public long submitted() { return submitted.get(); }
    /** Tasks refused (queue full or closed). */
    public long rejected() { return rejected.get(); }
    /** Tasks that threw. */
    public long failed() { return failed.get(); }
    /** Tasks queued or running. */
    public int backlog() { return pool.getQueue().size() + pool.getActiveCount(); }

    /** Stops taking work, lets queued tasks finish for up to {@code timeoutMillis}. */
    public boolean close(long timeoutMillis) throws InterruptedException {
        pool.shutdown();
        return pool.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** {@link #close(long)} with 5 s. */
    @Override public void close() {
        try {
            close(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdownNow();
    }

    /** Remembers which threads belong to the pool. */
    private static final class ThreadGroupMarker {
        private final ThreadLocal<Boolean> mine = ThreadLocal.withInitial(() -> Boolean.FALSE);

        void run(Runnable r) {
            mine.set(Boolean.TRUE);
            r.run();
        }

        boolean current() { return mine.get(); }
    }
}
