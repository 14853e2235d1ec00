package io.calloutd.callouts.stmedit;

import io.calloutd.callout.CalloutInstance;
import io.calloutd.engine.ActionType;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Field;
import io.calloutd.engine.Filter;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.ValueType;
import io.calloutd.stream.StreamAction;
import io.calloutd.stream.StreamCalloutIo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * One stmedit instance: a stream callout (filters at STREAM_V4/V6) that edits connections on the configured ports and
 * directions inline or out of band, and lets every other connection go with ALLOW_CONNECTION (so it is not called
 * for them again). Non-stream layers: no opinion (CONTINUE).
 */
final class StmeditCallout implements CalloutInstance {
    private final StmeditConfig cfg;
    private final InlineEditor inline;
    private final OobEditor oob;
    private final LongAdder indications = new LongAdder();
    private final LongAdder connectionsLetGo = new LongAdder();

    StmeditCallout(StmeditConfig cfg) {
        this.cfg = cfg;
        Patterns p = cfg.patterns();
        this.inline = cfg.oob() ? null : new InlineEditor(p);
        this.oob = cfg.oob() ? new OobEditor(p, cfg.busyThreshold()) : null;
    }

    @Override
    public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
        if (!(ctx.layerData() instanceof StreamCalloutIo io)) return; // not a stream layer: CONTINUE
        indications.increment();
        if (!inspected(in, io)) {
            connectionsLetGo.increment();
            io.setStreamAction(StreamAction.ALLOW_CONNECTION);
            out.setActionType(ActionType.NONE);
            return;
        }
        if (oob != null) {
            oob.classify(io, filter.calloutKey(), out);
        } else {
            inline.classify(io, out);
        }
    }

    private boolean inspected(IncomingValues in, StreamCalloutIo io) {
        if (!(io.isInbound() ? cfg.inbound() : cfg.outbound())) return false;
        return portMatches(in, Field.IP_LOCAL_PORT, cfg.localPort()) && portMatches(in, Field.IP_REMOTE_PORT, cfg.remotePort());
    }

    private static boolean portMatches(IncomingValues in, Field f, int port) {
        return port == 0 || (in.type(f) == ValueType.UINT16 && in.low(f) == port);
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", cfg.oob() ? "oob" : "inline");
        m.put("indications", indications.sum());
        m.put("connectionsNotInspected", connectionsLetGo.sum());
        if (inline != null) m.put("replacements", inline.replacements.sum());
        if (oob != null) {
            m.put("chunks", oob.chunks.sum());
            m.put("defers", oob.defers.sum());
            m.put("streams", oob.flows());
            m.put("failures", oob.failures.sum());
        }
        return m;
    }

    @Override
    public void close() {
        if (oob != null) oob.close();
    }
}
