package io.calloutd.callouts.capture;

import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutStatus;
import io.calloutd.callout.NotifyFunction;
import io.calloutd.callout.NotifyType;
import io.calloutd.callout.PacketView;
import io.calloutd.capture.CaptureNote;
import io.calloutd.capture.PacketCaptureWriter;
import io.calloutd.engine.ActionType;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Filter;
import io.calloutd.engine.IncomingValues;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code capture} callout: looks, copies the whole IP packet into the writer's ring (never waits: a full ring
 * is counted by the writer), returns without an action. The file is opened when the first filter naming the
 * callout is added (so loading a policy has no side effect, and an unwritable file rejects that filter add).
 */
final class CaptureCallout implements CalloutInstance {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureCallout.class);
    private final PacketCaptureWriter.Settings settings;
    private final boolean onlyDrops;
    private final LongAdder noPacket = new LongAdder();
    private final LongAdder notOpen = new LongAdder();
    private volatile PacketCaptureWriter writer;
    private volatile boolean closed;

    CaptureCallout(PacketCaptureWriter.Settings settings, boolean onlyDrops) {
        this.settings = settings;
        this.onlyDrops = onlyDrops;
    }

    @Override
    public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
        if (onlyDrops && out.actionType() != ActionType.BLOCK) {
            return;
        }
        PacketCaptureWriter w = writer;
        if (w == null) {
            notOpen.increment();
            return;
        }
        if (!(ctx.layerData() instanceof PacketView v)) {
            noPacket.increment(); // e.g. TCP at ALE_AUTH_CONNECT: no packet is indicated there
            return;
        }
        w.offer(v.buffer(), v.ipStart(), v.ipLength(), CaptureNote.INSPECTED, ctx.layer(), filter == null ? 0 : filter.id(), null);
    }

    @Override
    public NotifyFunction notifyFunction() {
        return (type, key, filter) -> type == NotifyType.FILTER_ADD ? open() : CalloutStatus.SUCCESS;
    }

    private synchronized CalloutStatus open() {
        if (writer != null) {
            return CalloutStatus.SUCCESS;
        }
        if (closed) {
            return CalloutStatus.UNSUCCESSFUL;
        }
        try {
            writer = PacketCaptureWriter.start(settings);
            return CalloutStatus.SUCCESS;
        } catch (IOException e) {
            LOG.error("capture callout: cannot open {}: {}", settings.file(), e.getMessage());
            return CalloutStatus.UNSUCCESSFUL;
        }
    }

    /** @return the writer once open, else null */
    PacketCaptureWriter writer() {
        return writer;
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        PacketCaptureWriter w = writer;
        if (w != null) {
            m.putAll(w.status());
        } else {
            m.put("file", settings.file().toString());
        }
        m.put("noPacket", noPacket.sum());
        m.put("notOpen", notOpen.sum());
        return m;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (writer != null) {
            writer.close();
        }
    }
}
