package io.calloutd.redirect;

import java.util.concurrent.atomic.LongAdder;

/** What the redirect data path did, shared by the packet threads. */
public final class RedirectCounters {
    /** Flows whose connect or bind request was modified and are now translated. */
    public final LongAdder flowsRedirected = new LongAdder();
    /** New flows refused because the translated tuple belongs to another flow or the table is full (named drop). */
    public final LongAdder conflicts = new LongAdder();
    /** New flows whose protocol cannot be translated (neither TCP, UDP nor ICMP) after a modification: refused. */
    public final LongAdder unsupported = new LongAdder();
    /** Outbound packets rewritten to the translated tuple. */
    public final LongAdder packetsOut = new LongAdder();
    /** Inbound packets rewritten back to the original tuple. */
    public final LongAdder packetsIn = new LongAdder();
    /** New flows that carried records a proxy attached. */
    public final LongAdder recordsCarried = new LongAdder();
}
