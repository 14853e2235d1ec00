package io.calloutd.redirect;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code FwpsRedirectHandleCreate0} analogue: the identity a redirecting callout modifies connect and bind
 * requests under. Records left by a redirect name the handle, so that the callout recognises its own proxy's
 * connection later ({@link RedirectState#REDIRECTED_BY_SELF}). Create one per callout, keep it for the callout's
 * life, {@link #close()} it at unload. Thread-safe.
 */
public final class RedirectHandle implements AutoCloseable {
    private static final AtomicLong IDS = new AtomicLong();

    private final long id;
    private volatile boolean closed;

    private RedirectHandle(long id) {
        this.id = id;
    }

    /** Creates a handle with a process-unique id. */
    public static RedirectHandle create() {
        return new RedirectHandle(IDS.incrementAndGet());
    }

    /** The handle's id, never 0 (0 means "no handle" in records). */
    public long id() {
        return id;
    }

    /** True after {@link #close()}: the handle can no longer modify requests. */
    public boolean isClosed() {
        return closed;
    }

    /** {@code FwpsRedirectHandleDestroy0}. Idempotent; existing translations stay until their flows end. */
    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "RedirectHandle#" + id;
    }
}
