package io.calloutd.callouts.stmedit;

import io.calloutd.callout.CalloutFactory;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutParams;
import io.calloutd.callout.CalloutServices;
import java.util.List;

/**
 * <b>stmedit</b> — stream find/replace, the Windows-driver-samples {@code stmedit} sample on calloutd's stream layer
 * (wfp-semantics §6.5, §7.3, checks 67–68).
 *
 * <p>Filters for it go at {@code STREAM_V4}/{@code STREAM_V6}; with no conditions it sees every TCP connection and
 * lets the ones off its ports go (ALLOW_CONNECTION), but a port condition on the filter keeps other connections off
 * the stream machinery entirely. Replacements may change the stream length: calloutd renumbers the TCP conversation
 * (§6.7).
 *
 * <table>
 *   <caption>Parameters</caption>
 *   <tr><th>name</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>port</td><td>8888</td><td>local port to inspect ({@code InspectionLocalPort}); 0 = any</td></tr>
 *   <tr><td>remotePort</td><td>0</td><td>remote port to inspect; 0 = any (one of the two must be non-zero)</td></tr>
 *   <tr><td>direction</td><td>both</td><td>{@code both}, {@code inbound} or {@code outbound} data</td></tr>
 *   <tr><td>find</td><td>rainy</td><td>string to find ({@code StringToFind})</td></tr>
 *   <tr><td>intermediate</td><td>cloudy</td><td>what the sample's first (out-of-band) set writes ({@code StringX})</td></tr>
 *   <tr><td>replace</td><td>sunny</td><td>what its second (inline) set writes ({@code StringToReplace})</td></tr>
 *   <tr><td>multipleCallouts</td><td>true</td><td>true: both sets chained — {@code find} and {@code intermediate}
 *       become {@code replace}; false: only set 1 — {@code find} becomes {@code intermediate}</td></tr>
 *   <tr><td>mode</td><td>inline</td><td>{@code inline} (permit/inject/block inside classify, §6.3) or {@code oob}
 *       (clone and block, edit and inject on a worker, §6.4)</td></tr>
 *   <tr><td>busyThreshold</td><td>16384</td><td>oob: inbound bytes waiting for the worker above which the stream is
 *       deferred (resumed at a quarter of it)</td></tr>
 * </table>
 *
 * <pre>{@code
 * callouts:
 *   - {id: weather, type: stmedit, params: {port: 8888, mode: inline}}
 * filters:
 *   - {id: weather-v4, layer: STREAM_V4, action: CALLOUT_TERMINATING, callout: weather,
 *      conditions: [{field: IP_LOCAL_PORT, match: EQUAL, value: 8888}]}
 * }</pre>
 *
 * <p>To reproduce the sample's two sublayers literally, configure two instances with {@code multipleCallouts: false}:
 * {@code {mode: oob, find: rainy, intermediate: cloudy}} in a sublayer of weight 0x40 and
 * {@code {mode: inline, find: cloudy, intermediate: sunny}} in one of weight 0x20; the inline one sees the output of
 * the out-of-band one.
 */
public final class StmeditFactory implements CalloutFactory {
    private static final List<String> PARAMS = List.of("port", "remotePort", "direction", "find", "intermediate",
            "replace", "multipleCallouts", "mode", "busyThreshold");

    /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
    public StmeditFactory() { }

    @Override
    public String type() {
        return "stmedit";
    }

    @Override
    public String description() {
        return "stream find/replace on TCP connections (Windows stmedit sample): rainy -> sunny, inline or out-of-band";
    }

    @Override
    public CalloutInstance create(CalloutParams params, CalloutServices services) {
        params.rejectUnknown(PARAMS);
        int local = (int) params.integer("port", 0, 65535, 8888);
        int remote = (int) params.integer("remotePort", 0, 65535, 0);
        if (local == 0 && remote == 0) throw new IllegalArgumentException("port: port and remotePort cannot both be 0");
        String direction = params.choice("direction", "both", "both", "inbound", "outbound");
        String find = params.string("find", "rainy");
        String intermediate = params.string("intermediate", "cloudy");
        String replace = params.string("replace", "sunny");
        if (find.isEmpty()) throw new IllegalArgumentException("find: must not be empty");
        if (intermediate.isEmpty()) throw new IllegalArgumentException("intermediate: must not be empty");
        boolean oob = params.choice("mode", "inline", "inline", "oob").equals("oob");
        int busy = (int) params.integer("busyThreshold", 1024, 1 << 24, 16384);
        return new StmeditCallout(new StmeditConfig(local, remote, !direction.equals("outbound"),
                !direction.equals("inbound"), find, intermediate, replace, params.bool("multipleCallouts", true), oob, busy));
    }
}
