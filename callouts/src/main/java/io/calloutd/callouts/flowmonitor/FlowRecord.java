package io.calloutd.callouts.flowmonitor;

import io.calloutd.callout.PacketView;
import io.calloutd.flow.Flow;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One monitored flow: its 5-tuple, packets and payload bytes each way, first and last activity, the first
 * {@code capture} payload bytes each way, and how it ended. Updated from packet threads without locks (atomic
 * counters; the capture buffers take a lock only until they are full), read by status and the record writer.
 */
final class FlowRecord {
    final long id;
    final FlowTuple tuple;
    final Flow flow;
    final String initiator;
    final long startMillis, firstNanos;
    volatile long lastNanos;
    final AtomicLong packetsOut = new AtomicLong(), bytesOut = new AtomicLong();
    final AtomicLong packetsIn = new AtomicLong(), bytesIn = new AtomicLong();
    private final byte[] capOut, capIn;
    private volatile int capOutLen, capInLen;
    /** True once a transport-layer indication fed the record (then STREAM indications are not counted again). */
    volatile boolean transportFed;
    /** Null while the flow is active; then why it ended. */
    volatile String end;

    FlowRecord(long id, FlowTuple tuple, Flow flow, String initiator, int capture, long nowNanos) {
        this.id = id;
        this.tuple = tuple;
        this.flow = flow;
        this.initiator = initiator;
        this.startMillis = System.currentTimeMillis();
        this.firstNanos = nowNanos;
        this.lastNanos = nowNanos;
        this.capOut = new byte[capture];
        this.capIn = new byte[capture];
    }

    /** Counts one packet carrying {@code payload} bytes. */
    void count(boolean outbound, int payload, long nowNanos) {
        if (outbound) {
            packetsOut.incrementAndGet();
            bytesOut.addAndGet(payload);
        } else {
            packetsIn.incrementAndGet();
            bytesIn.addAndGet(payload);
        }
        lastNanos = nowNanos;
    }

    /** Copies payload bytes until the direction's buffer is full; {@code at} is the payload start from the data start. */
    void capture(boolean outbound, PacketView v, int at, int length) {
        byte[] buf = outbound ? capOut : capIn;
        if (length <= 0 || (outbound ? capOutLen : capInLen) >= buf.length) return; // steady state: no lock
        synchronized (buf) {
            int have = outbound ? capOutLen : capInLen;
            int n = Math.min(buf.length - have, length);
            for (int i = 0; i < n; i++) buf[have + i] = (byte) v.getUnsignedByte(at + i);
            if (outbound) capOutLen = have + n; else capInLen = have + n;
        }
    }

    /** The captured bytes of one direction. */
    byte[] captured(boolean outbound) {
        byte[] buf = outbound ? capOut : capIn;
        synchronized (buf) {
            return java.util.Arrays.copyOf(buf, outbound ? capOutLen : capInLen);
        }
    }

    /** JSON-friendly view (the record line written to the file). */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("flowId", id);
        m.put("protocol", tuple.protocolName());
        m.put("local", tuple.local());
        m.put("remote", tuple.remote());
        m.put("initiator", initiator);
        m.put("start", Instant.ofEpochMilli(startMillis).toString());
        m.put("durationMs", (lastNanos - firstNanos) / 1_000_000);
        m.put("packetsOut", packetsOut.get());
        m.put("bytesOut", bytesOut.get());
        m.put("packetsIn", packetsIn.get());
        m.put("bytesIn", bytesIn.get());
        byte[] out = captured(true), in = captured(false);
        m.put("firstBytesOut", Base64.getEncoder().encodeToString(out));
        m.put("firstBytesIn", Base64.getEncoder().encodeToString(in));
        m.put("firstTextOut", printable(out));
        m.put("firstTextIn", printable(in));
        m.put("end", end == null ? "ACTIVE" : end);
        return m;
    }

    /** ASCII with '.' for anything unprintable, for a quick look at protocols such as HTTP. */
    private static String printable(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        for (byte x : b) sb.append(x >= 0x20 && x < 0x7F ? (char) x : '.');
        return sb.toString();
    }
}
