package io.calloutd.callouts.ratelimit;

import io.calloutd.callout.CalloutInstance;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Field;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.ValueType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Per-source rate limiting: one token bucket ({@code rate} per second, {@code burst} deep) per address, kept in a
 * bounded table ({@link TokenBuckets}; evictions counted). Each indication takes a token; without one it is
 * BLOCKed (hard, WRITE cleared) and counted. Where it applies depends on the filter's layer: at
 * ALE_AUTH_RECV_ACCEPT it limits new inbound connections (and first datagrams) per source, at INBOUND_TRANSPORT
 * every packet. Within the limit it leaves the decision to other filters (CONTINUE), except behind a
 * CALLOUT_TERMINATING filter, which would turn CONTINUE into BLOCK, so it PERMITs there. Never invoked with WRITE
 * absent to any effect (another callout already decided).
 */
public final class RateLimitCallout implements CalloutInstance {
    private static final long V4_MARK = 0x0400_0000_0000_0000L; // keeps IPv4 keys apart from IPv6 ones

    private final TokenBuckets buckets;
    private final Field keyField;
    private final long rate, burst;
    private final LongAdder allowed = new LongAdder(), limited = new LongAdder(), noAddress = new LongAdder();

    /**
     * @param rate        tokens per second
     * @param burst       bucket depth
     * @param maxSources  sources tracked at most
     * @param keyField    {@link Field#IP_REMOTE_ADDRESS} (default) or {@link Field#IP_LOCAL_ADDRESS}
     * @param nanos       monotonic clock (System::nanoTime outside tests)
     */
    public RateLimitCallout(long rate, long burst, int maxSources, Field keyField, LongSupplier nanos) {
        this.buckets = new TokenBuckets(maxSources, rate, burst, nanos);
        this.keyField = keyField;
        this.rate = rate;
        this.burst = burst;
    }

    @Override
    public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
        if (!out.hasWriteRight()) return;
        ValueType t = in.type(keyField);
        long hi, lo;
        if (t == ValueType.UINT32) {
            hi = V4_MARK;
            lo = in.low(keyField);
        } else if (t == ValueType.BYTE_ARRAY16) {
            hi = in.high(keyField);
            lo = in.low(keyField);
        } else { // a layer without addresses: nothing to key on, let it be
            noAddress.increment();
            if (filter.action() == FilterAction.CALLOUT_TERMINATING) out.permit();
            return;
        }
        if (buckets.tryAcquire(hi, lo)) {
            allowed.increment();
            if (filter.action() == FilterAction.CALLOUT_TERMINATING) out.permit();
        } else {
            limited.increment();
            out.block();
        }
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rate", rate);
        m.put("burst", burst);
        m.put("key", keyField == Field.IP_LOCAL_ADDRESS ? "localAddress" : "remoteAddress");
        m.put("allowed", allowed.sum());
        m.put("limited", limited.sum());
        m.put("noAddress", noAddress.sum());
        m.put("sources", (long) buckets.sources());
        m.put("capacity", (long) buckets.capacity());
        m.put("evictions", buckets.evictions());
        return m;
    }
}
