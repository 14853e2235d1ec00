package io.calloutd.stream;

import java.util.concurrent.atomic.LongAdder;

/**
 * Stream-layer accounting, shared by the packet threads. Every TCP segment of an engaged connection is either
 * absorbed into the stream ({@link #segmentsAbsorbed()}), rewritten in place and passed on ({@link #segmentsRewritten()}),
 * or dropped with one of the named reasons below.
 */
public final class StreamCounters {
    final LongAdder connectionsEngaged = new LongAdder();
    final LongAdder connectionsDropped = new LongAdder();
    final LongAdder indications = new LongAdder();
    final LongAdder segmentsAbsorbed = new LongAdder();
    final LongAdder segmentsRewritten = new LongAdder();
    final LongAdder segmentsEmitted = new LongAdder();
    final LongAdder segmentsReemitted = new LongAdder();
    final LongAdder pureAcksEmitted = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder retransmissionsAnswered = new LongAdder();
    final LongAdder dropOutOfOrder = new LongAdder();
    final LongAdder dropBufferFull = new LongAdder();
    final LongAdder dropOutputBacklog = new LongAdder();
    final LongAdder dropConnectionGone = new LongAdder();
    final LongAdder dropRetransmitCovered = new LongAdder();
    final LongAdder dropEmitFailed = new LongAdder();
    final LongAdder needMoreDataRejected = new LongAdder();
    final LongAdder deferRejected = new LongAdder();
    final LongAdder defers = new LongAdder();
    final LongAdder continues = new LongAdder();
    final LongAdder oobInjections = new LongAdder();
    final LongAdder oobRefused = new LongAdder();

    /** Connections whose segments go through the stream machinery. */
    public long connectionsEngaged() { return connectionsEngaged.sum(); }
    /** Connections killed by DROP_CONNECTION. */
    public long connectionsDropped() { return connectionsDropped.sum(); }
    /** Stream callout invocations. */
    public long indications() { return indications.sum(); }
    /** Data/FIN segments taken into a stream (their bytes leave in rebuilt segments). */
    public long segmentsAbsorbed() { return segmentsAbsorbed.sum(); }
    /** Segments without data (ACK, RST) passed on with translated sequence/acknowledgement numbers. */
    public long segmentsRewritten() { return segmentsRewritten.sum(); }
    /** Rebuilt data/FIN segments sent (first transmissions). */
    public long segmentsEmitted() { return segmentsEmitted.sum(); }
    /** Rebuilt segments sent again because the sender retransmitted bytes already emitted. */
    public long segmentsReemitted() { return segmentsReemitted.sum(); }
    /** ACK-only segments built to carry acknowledgements or window updates. */
    public long pureAcksEmitted() { return pureAcksEmitted.sum(); }
    /** New in-order stream bytes taken in. */
    public long bytesIn() { return bytesIn.sum(); }
    /** Stream bytes emitted (first transmissions). */
    public long bytesOut() { return bytesOut.sum(); }
    /** Retransmitted segments answered from the emitted-but-unacknowledged output. */
    public long retransmissionsAnswered() { return retransmissionsAnswered.sum(); }
    /** Dropped: segment beyond the next expected byte (the sender retransmits). */
    public long dropOutOfOrder() { return dropOutOfOrder.sum(); }
    /** Dropped: the stream buffer limit would be exceeded. */
    public long dropBufferFull() { return dropBufferFull.sum(); }
    /** Dropped: too much emitted output is still unacknowledged. */
    public long dropOutputBacklog() { return dropOutputBacklog.sum(); }
    /** Dropped: the connection was dropped (DROP_CONNECTION) or its stream state is gone. */
    public long dropConnectionGone() { return dropConnectionGone.sum(); }
    /** Dropped: a retransmission whose bytes the receiver already acknowledged (nothing to resend). */
    public long dropRetransmitCovered() { return dropRetransmitCovered.sum(); }
    /** Rebuilt segments the pipeline refused. */
    public long dropEmitFailed() { return dropEmitFailed.sum(); }
    /** NEED_MORE_DATA answers rejected (NO_MORE_DATA or BUFFER_LIMIT_REACHED set): data permitted instead. */
    public long needMoreDataRejected() { return needMoreDataRejected.sum(); }
    /** DEFER answers rejected (outbound stream, or FIN): data permitted instead. */
    public long deferRejected() { return deferRejected.sum(); }
    /** Streams deferred. */
    public long defers() { return defers.sum(); }
    /** Deferred streams continued. */
    public long continues() { return continues.sum(); }
    /** Out-of-band stream injections applied. */
    public long oobInjections() { return oobInjections.sum(); }
    /** Out-of-band stream requests refused (unknown flow/stage, full queue). */
    public long oobRefused() { return oobRefused.sum(); }

    /** Every counter by name (for the stats file). */
    public java.util.Map<String, Long> asMap() {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        m.put("connectionsEngaged", connectionsEngaged());
        m.put("connectionsDropped", connectionsDropped());
        m.put("indications", indications());
        m.put("segmentsAbsorbed", segmentsAbsorbed());
        m.put("segmentsRewritten", segmentsRewritten());
        m.put("segmentsEmitted", segmentsEmitted());
        m.put("segmentsReemitted", segmentsReemitted());
        m.put("pureAcksEmitted", pureAcksEmitted());
        m.put("bytesIn", bytesIn());
        m.put("bytesOut", bytesOut());
        m.put("retransmissionsAnswered", retransmissionsAnswered());
        m.put("dropOutOfOrder", dropOutOfOrder());
        m.put("dropBufferFull", dropBufferFull());
        m.put("dropOutputBacklog", dropOutputBacklog());
        m.put("dropConnectionGone", dropConnectionGone());
        m.put("dropRetransmitCovered", dropRetransmitCovered());
        m.put("dropEmitFailed", dropEmitFailed());
        m.put("needMoreDataRejected", needMoreDataRejected());
        m.put("deferRejected", deferRejected());
        m.put("defers", defers());
        m.put("continues", continues());
        m.put("oobInjections", oobInjections());
        m.put("oobRefused", oobRefused());
        return m;
    }
}
