package io.calloutd.callouts.ratelimit;

import io.calloutd.callout.CalloutFactory;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutParams;
import io.calloutd.callout.CalloutServices;
import io.calloutd.engine.Field;
import java.util.List;

/**
 * Type {@code rate-limit}: per-source token bucket. Parameters: {@code rate} (required, 1..1000000 per second),
 * {@code burst} (1..1000000, default {@code rate}), {@code maxSources} (4..4194304, default 65536; the least
 * recently refilled source is evicted when a set is full), {@code key} ({@code remoteAddress}, default, or
 * {@code localAddress}). Attach with a CALLOUT_TERMINATING (or CALLOUT_UNKNOWN) filter at e.g.
 * ALE_AUTH_RECV_ACCEPT_V4 (new connections) or INBOUND_TRANSPORT_V4 (packets).
 */
public final class RateLimitFactory implements CalloutFactory {
    /** The configuration type name. */
    public static final String TYPE = "rate-limit";

    /** For the service loader. */
    public RateLimitFactory() { }

    @Override public String type() { return TYPE; }

    @Override public String description() {
        return "per-source token bucket (rate/s, burst, bounded source table); BLOCK when a source exceeds it";
    }

    @Override
    public CalloutInstance create(CalloutParams params, CalloutServices services) {
        params.rejectUnknown(List.of("rate", "burst", "maxSources", "key"));
        long rate = params.integer("rate", 1, 1_000_000);
        long burst = params.integer("burst", 1, Math.min(1_000_000, TokenBuckets.MAX_BURST), rate);
        int maxSources = (int) params.integer("maxSources", 4, 1 << 22, 65536);
        Field key = params.choice("key", "remoteaddress", "remoteaddress", "localaddress").equals("localaddress")
                ? Field.IP_LOCAL_ADDRESS : Field.IP_REMOTE_ADDRESS;
        return new RateLimitCallout(rate, burst, maxSources, key, System::nanoTime);
    }
}
