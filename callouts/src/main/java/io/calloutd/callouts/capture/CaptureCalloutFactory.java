package io.calloutd.callouts.capture;

import io.calloutd.callout.CalloutFactory;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutParams;
import io.calloutd.callout.CalloutServices;
import io.calloutd.capture.PacketCaptureWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * Type {@code capture}: an inline-inspection callout that copies the packets its filters match into a size-rotating
 * pcapng file for Wireshark. Parameters: {@code file} (required), {@code maxBytes} (rotation size, default 16 MiB),
 * {@code files} (kept, default 4), {@code snapLen} (bytes kept per packet, default 65535), {@code onlyDrops} (copy
 * only while the layer's current action is BLOCK, i.e. a higher-weight filter already blocks; default false).
 * Use it with filter action {@code CALLOUT_INSPECTION}.
 */
public final class CaptureCalloutFactory implements CalloutFactory {
    /** Creates the factory (ServiceLoader). */
    public CaptureCalloutFactory() { }

    @Override
    public String type() {
        return "capture";
    }

    @Override
    public String description() {
        return "Inline inspection: copies the packets its filters match into a rotating pcapng file (Wireshark).";
    }

    @Override
    public CalloutInstance create(CalloutParams params, CalloutServices services) {
        params.rejectUnknown(List.of("file", "maxBytes", "files", "snapLen", "onlyDrops"));
        Path file = Path.of(params.string("file"));
        long maxBytes = params.integer("maxBytes", 65_536, 1L << 40, 16L << 20);
        int files = (int) params.integer("files", 1, 1000, 4);
        int snapLen = (int) params.integer("snapLen", 64, 262_144, 65_535);
        boolean onlyDrops = params.bool("onlyDrops", false);
        return new CaptureCallout(new PacketCaptureWriter.Settings(file, maxBytes, files, 1024, snapLen), onlyDrops);
    }
}
