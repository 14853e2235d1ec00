package io.calloutd.redirect;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connection-tracking side of redirection that proxies talk to, shared by all packet threads and safe from any
 * thread (e.g. the management API):
 * <ul>
 *   <li>{@link #query}: the SO_ORIGINAL_DST / SIO_QUERY_WFP_CONNECTION_REDIRECT_RECORDS analogue: for a connection
 *       the proxy accepted (client endpoint as seen on the wire, the proxy's endpoint), the records of the redirect
 *       that sent it there, while the redirected flow lives;</li>
 *   <li>{@link #attach}: the SIO_SET_WFP_CONNECTION_REDIRECT_RECORDS analogue: the proxy announces the tuple of its
 *       own onward connection with those records; the first new flow with that tuple carries them to
 *       ALE_CONNECT_REDIRECT, where the redirecting callout sees {@link RedirectState#REDIRECTED_BY_SELF}.</li>
 * </ul>
 * Entries are created and removed once per redirected flow, never per packet.
 */
public final class RedirectRegistry {
    /** Attachments waiting for their connection, at most. */
    public static final int MAX_ATTACHED = 4096;

    private final ConcurrentHashMap<Tuple, RedirectRecords> active = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Tuple, RedirectRecords> attached = new ConcurrentHashMap<>();
    private final AtomicInteger attachedCount = new AtomicInteger();

    /** A connection as its initiator sees it: protocol, its own endpoint and the remote one. */
    record Tuple(int protocol, InetSocketAddress local, InetSocketAddress remote) { }

    /**
     * The records of the redirect that made {@code client} talk to {@code redirectedTo}.
     *
     * @param protocol     IP protocol (6 TCP, 17 UDP, 1/58 ICMP)
     * @param client       the redirected host's endpoint as the proxy sees it (its wire address and port)
     * @param redirectedTo the new remote (the proxy's endpoint)
     * @return the records (original destination etc.), or empty if no live redirected flow has that tuple
     */
    public Optional<RedirectRecords> query(int protocol, InetSocketAddress client, InetSocketAddress redirectedTo) {
        return Optional.ofNullable(active.get(new Tuple(protocol, client, redirectedTo)));
    }

    /**
     * Makes the proxy's onward connection {@code local → remote} carry {@code records}; consumed by the first new
     * outbound flow with exactly that tuple.
     *
     * @return false if {@link #MAX_ATTACHED} attachments are already waiting
     */
    public boolean attach(RedirectRecords records, int protocol, InetSocketAddress local, InetSocketAddress remote) {
        if (attachedCount.incrementAndGet() > MAX_ATTACHED) {
            attachedCount.decrementAndGet();
            return false;
        }
        if (attached.put(new Tuple(protocol, local, remote), records) != null) {
            attachedCount.decrementAndGet(); // replaced, not added
        }
        return true;
    }

    /** Withdraws an attachment that was not consumed; true if it was waiting. */
    public boolean detach(int protocol, InetSocketAddress local, InetSocketAddress remote) {
        if (attached.remove(new Tuple(protocol, local, remote)) != null) {
            attachedCount.decrementAndGet();
            return true;
        }
        return false;
    }

    /** Live redirected flows that can be queried. */
    public int activeCount() {
        return active.size();
    }

    /** Attachments waiting for their connection. */
    public int attachedCount() {
        return attachedCount.get();
    }

    /** True if any attachment waits: lets new flows skip the lookup (and its key allocation) otherwise. */
    boolean hasAttachments() {
        return attachedCount.get() > 0;
    }

    RedirectRecords take(Tuple t) {
        RedirectRecords r = attached.remove(t);
        if (r != null) {
            attachedCount.decrementAndGet();
        }
        return r;
    }

    void activate(Tuple wire, RedirectRecords r) {
        active.put(wire, r);
    }

    void deactivate(Tuple wire, RedirectRecords r) {
        active.remove(wire, r);
    }
}
