package io.calloutd.nativebridge;

import com.sun.jna.LastErrorException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Java code inside a named network namespace ({@code /var/run/netns/NAME}, as made by {@code ip netns add}).
 *
 * <p>{@code setns(CLONE_NEWNET)} moves only the calling OS thread, so the code runs on a dedicated thread that
 * entered the namespace first. Sockets and TUN devices created there live in that namespace for good, whichever
 * thread uses them later.
 */
public final class NetNs {
    private static final String NETNS_DIR = "/var/run/netns/";
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();
    private static final Logger LOG = LoggerFactory.getLogger(NetNs.class);

    private NetNs() {
    }

    /**
     * Runs {@code task} on a fresh thread inside namespace {@code ns} and waits for it.
     *
     * @param ns namespace name (a file in /var/run/netns)
     * @param task the code to run
     * @param <T> the result type
     * @return what {@code task} returned
     * @throws NativeException if the namespace cannot be opened or entered (e.g. ENOENT for an unknown name)
     * @throws Exception whatever {@code task} threw, unwrapped
     */
    public static <T> T call(String ns, Callable<T> task) throws Exception {
        int fd = openNamespace(ns);
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                enter(fd, ns);
                result[0] = task.call();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "netns-" + ns + "-" + THREAD_IDS.incrementAndGet());
        try {
            t.start();
            t.join();
        } finally {
            LibC.closeQuietly(fd);
        }
        if (failure[0] instanceof Exception) {
            throw (Exception) failure[0];
        }
        if (failure[0] instanceof Error) {
            throw (Error) failure[0];
        }
        @SuppressWarnings("unchecked")
        T r = (T) result[0];
        return r;
    }

    /**
     * Like {@link #call} for code without a result.
     *
     * @param ns namespace name
     * @param task the code to run
     * @throws Exception as {@link #call}
     */
    public static void run(String ns, ThrowingRunnable task) throws Exception {
        call(ns, () -> {
            task.run();
            return null;
        });
    }

    /**
     * Returns a single-thread executor whose one long-lived thread entered namespace {@code ns} before running
     * anything. Shut it down when done.
     *
     * <p>The thread never dies: exceptions from tasks passed to {@code execute} are logged and swallowed, because a
     * replacement thread would start in the wrong namespace.
     *
     * @param ns namespace name
     * @return the executor, already inside the namespace
     * @throws NativeException if the namespace cannot be opened or entered
     */
    public static ExecutorService executor(String ns) throws NativeException {
        int fd = openNamespace(ns);
        ThreadPoolExecutor ex = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> new Thread(r, "netns-" + ns + "-" + THREAD_IDS.incrementAndGet())) {
            @Override
            public void execute(Runnable command) {
                super.execute(() -> {
                    try {
                        command.run();
                    } catch (Throwable t) {
                        LOG.warn("task in netns {} failed", ns, t);
                    }
                });
            }
        };
        try {
            // The first task on the only thread: everything after it runs inside the namespace.
            ex.submit(() -> {
                enter(fd, ns);
                return null;
            }).get();
            return ex;
        } catch (InterruptedException e) {
            ex.shutdownNow();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted entering netns " + ns, e);
        } catch (ExecutionException e) {
            ex.shutdownNow();
            if (e.getCause() instanceof NativeException) {
                throw (NativeException) e.getCause();
            }
            throw new IllegalStateException("cannot enter netns " + ns, e.getCause());
        } finally {
            LibC.closeQuietly(fd);
        }
    }

    private static int openNamespace(String ns) throws NativeException {
        if (ns.isEmpty() || ns.contains("/")) {
            throw new IllegalArgumentException("bad namespace name: " + ns);
        }
        String path = NETNS_DIR + ns;
        try {
            return LibC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new NativeException("open(" + path + ")", e.getErrorCode());
        }
    }

    private static void enter(int fd, String ns) throws NativeException {
        try {
            LibC.setns(fd, LibC.CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw new NativeException("setns(" + ns + ", CLONE_NEWNET)", e.getErrorCode());
        }
    }

    /** A {@link Runnable} that may throw. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        /**
         * Runs the code.
         *
         * @throws Exception anything
         */
        void run() throws Exception;
    }
}
