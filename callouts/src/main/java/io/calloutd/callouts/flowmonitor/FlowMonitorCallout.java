package io.calloutd.callouts.flowmonitor;

import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutStatus;
import io.calloutd.callout.FlowDeleteFunction;
import io.calloutd.callout.NotifyFunction;
import io.calloutd.callout.NotifyType;
import io.calloutd.callout.PacketView;
import io.calloutd.callouts.support.RemoteAddress;
import io.calloutd.classify.PacketMetadata;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Direction;
import io.calloutd.engine.Field;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import io.calloutd.flow.Flow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * msnmntr on the gateway (§7.4): inline inspection that keeps one record per selected flow and never alters
 * traffic. On a TUN gateway there are no applications, so "app X" is stood in for by the flow's service as seen from
 * the protected hosts — {@link FlowSelector} (protocol, remote address, remote and local port), checked here as well
 * as by the filters' conditions.
 * <ul>
 *   <li>ALE_FLOW_ESTABLISHED: a selected flow gets a record (5-tuple, initiator, start time);</li>
 *   <li>DATAGRAM_DATA (UDP, ICMP) and STREAM (TCP): packets and payload bytes each way, plus the first
 *       {@code captureBytes} payload bytes each way from the layer data;</li>
 *   <li>INBOUND/OUTBOUND_TRANSPORT, TCP only: the same. The port's STREAM layer carries no packet data yet, so for
 *       TCP payload capture add filters at the transport layers too; a record fed there ignores STREAM (no double
 *       count).</li>
 * </ul>
 * Records end when the flow ends (FIN, RST, idle timeout, eviction — the flow table's close reason), found by a
 * sweeper thread every {@code sweepMillis} (and on every {@link #status()}); through {@link #flowDelete()} too if a
 * runtime associates the record id as flow context. Finished records stay in a ring of {@code keepRecords} and are
 * appended to {@code file} as JSON lines. After {@link #close()} no new flow is tracked and active records are
 * finished with end {@code MONITOR_CLOSED}. Counting is allocation-free per packet (a per-thread probe tuple).
 */
public final class FlowMonitorCallout implements CalloutInstance {
    private static final int TCP = 6;
    private static final ThreadLocal<FlowTuple> PROBE = ThreadLocal.withInitial(FlowTuple::new);

    /**
     * Which flows are "the application".
     *
     * @param protocol      IP protocol number, or -1 for any
     * @param remoteAddress remote address, or null for any
     * @param remotePort    remote port, or 0 for any
     * @param localPort     local port, or 0 for any
     */
    public record FlowSelector(int protocol, RemoteAddress remoteAddress, int remotePort, int localPort) {
        boolean matches(IncomingValues in) {
            return (protocol < 0 || in.low(Field.IP_PROTOCOL) == protocol)
                    && (remoteAddress == null || remoteAddress.matches(in, Field.IP_REMOTE_ADDRESS))
                    && (remotePort == 0 || in.low(Field.IP_REMOTE_PORT) == remotePort)
                    && (localPort == 0 || in.low(Field.IP_LOCAL_PORT) == localPort);
        }
    }

    /**
     * Sizes.
     *
     * @param captureBytes payload bytes kept per direction
     * @param maxFlows     active records at most (more flows are counted as refused)
     * @param keepRecords  finished records kept for {@link #status()}
     * @param sweepMillis  how often ended flows are looked for
     */
    public record Limits(int captureBytes, int maxFlows, int keepRecords, long sweepMillis) { }

    private final FlowSelector selector;
    private final Limits limits;
    private final RecordFile file;
    private final ConcurrentHashMap<FlowTuple, FlowRecord> active = new ConcurrentHashMap<>();
    private final ArrayDeque<Map<String, Object>> finished = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<FlowRecord> toWrite = new ConcurrentLinkedQueue<>();
    private final AtomicLong localIds = new AtomicLong(1L << 62); // ids for flows the path did not hand over
    private final LongAdder tracked = new LongAdder(), ended = new LongAdder(), refusedFull = new LongAdder();
    private final LongAdder notSelected = new LongAdder(), untracked = new LongAdder(), indications = new LongAdder();
    private final java.util.concurrent.atomic.AtomicInteger transportFilters = new java.util.concurrent.atomic.AtomicInteger();
    private ScheduledExecutorService sweeper;
    private volatile boolean closed;

    /**
     * @param selector the flows to monitor
     * @param limits   sizes and sweep period
     * @param file     JSON-lines file for finished records, or null
     */
    public FlowMonitorCallout(FlowSelector selector, Limits limits, java.nio.file.Path file) {
        this.selector = selector;
        this.limits = limits;
        this.file = file == null ? null : new RecordFile(file);
    }

    @Override
    public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
        if (filter.action() == FilterAction.CALLOUT_TERMINATING && out.hasWriteRight()) out.permit(); // never alter
        if (closed) return;
        Layer layer = ctx.layer();
        String name = layer.name();
        if (name.startsWith("ALE_FLOW_ESTABLISHED")) {
            established(in, ctx);
        } else if (name.startsWith("STREAM") || name.startsWith("DATAGRAM_DATA")
                || name.startsWith("INBOUND_TRANSPORT") || name.startsWith("OUTBOUND_TRANSPORT")) {
            data(in, ctx, name.startsWith("STREAM"), name.contains("TRANSPORT"));
        }
    }

    private void established(IncomingValues in, ClassifyContext ctx) {
        FlowTuple probe = PROBE.get();
        if (!probe.read(in) || !selector.matches(in)) {
            notSelected.increment();
            return;
        }
        Flow flow = ctx.flow() instanceof Flow f ? f : null;
        FlowRecord old = active.get(probe);
        if (old != null) {
            if (old.flow == flow) return; // FLOW_ESTABLISHED of a flow already tracked
            finish(old, old.flow != null && old.flow.isEnded() ? old.flow.closeReason().name() : "REPLACED");
        }
        if (active.size() >= limits.maxFlows()) {
            refusedFull.increment();
            return;
        }
        long id = flow != null ? flow.id() : localIds.getAndIncrement();
        String initiator = flow != null ? flow.initiatorDirection().name() : "UNKNOWN";
        FlowRecord r = new FlowRecord(id, probe.copy(), flow, initiator, limits.captureBytes(), System.nanoTime());
        if (active.putIfAbsent(r.tuple, r) == null) {
            tracked.increment();
            startSweeper();
        }
    }

    private void data(IncomingValues in, ClassifyContext ctx, boolean stream, boolean transport) {
        FlowTuple probe = PROBE.get();
        if (!probe.read(in)) return;
        FlowRecord r = active.get(probe);
        if (r == null) {
            untracked.increment();
            return;
        }
        if (transport) {
            if (probe.protocol != TCP) return; // UDP and ICMP are counted at DATAGRAM_DATA
            r.transportFed = true;
        } else if (stream && (transportFilters.get() > 0 || r.transportFed)) {
            return; // the transport layers count TCP (STREAM comes first outbound, so the record flag alone is late)
        }
        indications.increment();
        PacketView v = ctx.layerData() instanceof PacketView p ? p : null;
        if (v != null) {
            boolean outbound = v.direction() == Direction.OUTBOUND;
            int start = v.ipHeaderSize() + v.transportHeaderSize();
            int payload = Math.max(0, v.ipLength() - start);
            r.count(outbound, payload, System.nanoTime());
            int at = start - v.dataOffset();
            if (at >= 0) r.capture(outbound, v, at, payload);
        } else if (ctx.metadata() instanceof PacketMetadata m) { // STREAM without layer data: sizes from metadata
            boolean outbound = m.packetDirection() == io.calloutd.pipeline.Direction.OUTBOUND;
            int payload = (int) Math.max(0, in.low(Field.IP_LENGTH) - m.ipHeaderSize() - m.transportHeaderSize());
            r.count(outbound, payload, System.nanoTime());
        }
    }

    private void finish(FlowRecord r, String reason) {
        if (!active.remove(r.tuple, r)) return;
        r.end = reason;
        ended.increment();
        Map<String, Object> m = r.toMap();
        synchronized (finished) {
            if (limits.keepRecords() > 0) {
                if (finished.size() >= limits.keepRecords()) finished.removeFirst();
                finished.addLast(m);
            }
        }
        if (file != null) toWrite.add(r);
    }

    /** Finishes records of ended flows and writes finished records to the file. */
    public synchronized void sweep() {
        for (FlowRecord r : active.values()) {
            if (r.flow != null && r.flow.isEnded()) finish(r, r.flow.closeReason().name());
        }
        if (file != null) {
            FlowRecord r;
            boolean any = false;
            while ((r = toWrite.poll()) != null) {
                file.write(r.toMap());
                any = true;
            }
            if (any) file.flush();
        }
    }

    private synchronized void startSweeper() {
        if (sweeper != null || closed) return;
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "calloutd-flow-monitor");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                sweep();
            } catch (RuntimeException ignored) {
                // a failed sweep is retried next period
            }
        }, limits.sweepMillis(), limits.sweepMillis(), TimeUnit.MILLISECONDS);
    }

    /** Counts this callout's filters at the transport layers, which then take over TCP counting from STREAM. */
    @Override
    public NotifyFunction notifyFunction() {
        return (type, key, filter) -> {
            Layer l = filter.layer();
            if (!l.isDiscard() && l.name().contains("_TRANSPORT_")) {
                if (type == NotifyType.FILTER_ADD) transportFilters.incrementAndGet(); else transportFilters.decrementAndGet();
            }
            return CalloutStatus.SUCCESS;
        };
    }

    /** Finishes the record whose flow id is {@code context} (usable once contexts can be associated). */
    @Override
    public FlowDeleteFunction flowDelete() {
        return (layerId, calloutId, context) -> {
            for (FlowRecord r : active.values()) {
                if (r.id == context) finish(r, "FLOW_DELETED");
            }
        };
    }

    /** Active records (a snapshot). */
    public List<Map<String, Object>> activeRecords() {
        List<Map<String, Object>> l = new ArrayList<>();
        for (FlowRecord r : active.values()) l.add(r.toMap());
        return l;
    }

    /** Finished records still kept, oldest first. */
    public List<Map<String, Object>> finishedRecords() {
        synchronized (finished) {
            return new ArrayList<>(finished);
        }
    }

    @Override
    public Map<String, Object> status() {
        sweep();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("closed", closed);
        m.put("tracked", tracked.sum());
        m.put("active", (long) active.size());
        m.put("ended", ended.sum());
        m.put("refusedFull", refusedFull.sum());
        m.put("notSelected", notSelected.sum());
        m.put("untrackedIndications", untracked.sum());
        m.put("indications", indications.sum());
        if (file != null) {
            m.put("file", file.path().toString());
            m.put("recordsWritten", file.written());
            m.put("writeErrors", file.errors());
        }
        m.put("activeRecords", activeRecords());
        m.put("finishedRecords", finishedRecords());
        return m;
    }

    @Override
    public void close() {
        ScheduledExecutorService s;
        synchronized (this) {
            if (closed) return;
            closed = true;
            s = sweeper;
        }
        if (s != null) s.shutdownNow();
        for (FlowRecord r : active.values()) finish(r, "MONITOR_CLOSED");
        sweep();
        if (file != null) file.close();
    }
}
