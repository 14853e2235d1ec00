package io.calloutd.flow;

/** Flow table counters. Written by the table's thread only; read them from that thread or as a rough snapshot. */
public final class FlowCounters {
    long created, established, closedFin, closedRst, closedTimeout, closedEvicted, closedAborted, closedTableClosed;
    long refused, midStream, untrackable, relatedUnknown, expiredWhenFull, evictedLingering, evictedUnconfirmed;
    long contextsDeleted, listenerFailures;
    int size;

    /** Flows created. */
    public long created() { return created; }
    /** ESTABLISHED events emitted. */
    public long established() { return established; }
    /** Flows ended by FIN completion. */
    public long closedFin() { return closedFin; }
    /** Flows ended by RST. */
    public long closedRst() { return closedRst; }
    /** Flows ended by timeout (by the sweep, on lookup, or while making room). */
    public long closedTimeout() { return closedTimeout; }
    /** Live flows ended by eviction (oldest unconfirmed flow while full). */
    public long closedEvicted() { return closedEvicted; }
    /** Flows ended by {@link FlowTable#abort}. */
    public long closedAborted() { return closedAborted; }
    /** Flows ended by {@link FlowTable#close}. */
    public long closedTableClosed() { return closedTableClosed; }
    /** New flows refused because the table was full and nothing was evictable. */
    public long refused() { return refused; }
    /** TCP segments for unknown tuples without SYN (picked up or not). */
    public long midStream() { return midStream; }
    /** Packets that could not be keyed. */
    public long untrackable() { return untrackable; }
    /** ICMP errors quoting no known flow. */
    public long relatedUnknown() { return relatedUnknown; }
    /** Timed-out flows removed while making room in a full table (also counted in closedTimeout). */
    public long expiredWhenFull() { return expiredWhenFull; }
    /** Ended, lingering flows (TIME_WAIT/CLOSE) dropped early to make room. */
    public long evictedLingering() { return evictedLingering; }
    /** Live unconfirmed flows evicted to make room (equals closedEvicted). */
    public long evictedUnconfirmed() { return evictedUnconfirmed; }
    /** flowDelete notifications delivered. */
    public long contextsDeleted() { return contextsDeleted; }
    /** Exceptions thrown by the listener (caught). */
    public long listenerFailures() { return listenerFailures; }
    /** Flows currently in the table (ended, lingering flows included). */
    public int size() { return size; }

    @Override
    public String toString() {
        return "FlowCounters[size=" + size + " created=" + created + " established=" + established + " fin="
                + closedFin + " rst=" + closedRst + " timeout=" + closedTimeout + " evicted=" + closedEvicted
                + " aborted=" + closedAborted + " tableClosed=" + closedTableClosed + " refused=" + refused
                + " midStream=" + midStream + " untrackable=" + untrackable + "]";
    }
}
