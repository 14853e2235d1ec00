package io.calloutd.callouts.flowmonitor;

import io.calloutd.callout.CalloutFactory;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutParams;
import io.calloutd.callout.CalloutServices;
import io.calloutd.callouts.support.RemoteAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Type {@code flow-monitor}: per-flow records by inline inspection, after the msnmntr sample (§7.4). Parameters
 * (all optional; the first four select the flows, standing in for msnmntr's application):
 * <ul>
 *   <li>{@code protocol}: {@code tcp}, {@code udp}, {@code icmp} or {@code any} (default);</li>
 *   <li>{@code remoteAddress}, {@code remotePort}, {@code localPort}: exact matches (default any);</li>
 *   <li>{@code captureBytes} (0..4096, default 64): payload bytes kept per direction;</li>
 *   <li>{@code maxFlows} (1..1000000, default 4096), {@code keepRecords} (0..100000, default 256),
 *       {@code sweepMillis} (10..60000, default 1000);</li>
 *   <li>{@code file}: path of a JSON-lines file receiving finished records.</li>
 * </ul>
 * Attach with CALLOUT_INSPECTION filters at ALE_FLOW_ESTABLISHED, DATAGRAM_DATA and STREAM (and, for TCP payload
 * capture, INBOUND_/OUTBOUND_TRANSPORT); see {@link FlowMonitorCallout}.
 */
public final class FlowMonitorFactory implements CalloutFactory {
    /** The configuration type name. */
    public static final String TYPE = "flow-monitor";

    /** For the service loader. */
    public FlowMonitorFactory() { }

    @Override public String type() { return TYPE; }

    @Override public String description() {
        return "msnmntr-style flow monitor: per-flow records (5-tuple, packets/bytes each way, duration, first bytes), traffic unchanged";
    }

    @Override
    public CalloutInstance create(CalloutParams params, CalloutServices services) {
        params.rejectUnknown(List.of("protocol", "remoteAddress", "remotePort", "localPort", "captureBytes", "maxFlows",
                "keepRecords", "sweepMillis", "file"));
        int protocol = switch (params.choice("protocol", "any", "any", "tcp", "udp", "icmp")) {
            case "tcp" -> 6;
            case "udp" -> 17;
            case "icmp" -> 1;
            default -> -1;
        };
        RemoteAddress remote = params.has("remoteAddress") ? new RemoteAddress(params.address("remoteAddress")) : null;
        int remotePort = params.has("remotePort") ? params.port("remotePort") : 0;
        int localPort = params.has("localPort") ? params.port("localPort") : 0;
        FlowMonitorCallout.Limits limits = new FlowMonitorCallout.Limits(
                (int) params.integer("captureBytes", 0, 4096, 64),
                (int) params.integer("maxFlows", 1, 1_000_000, 4096),
                (int) params.integer("keepRecords", 0, 100_000, 256),
                params.integer("sweepMillis", 10, 60_000, 1000));
        Path file = null;
        if (params.has("file")) {
            try {
                file = Path.of(params.string("file"));
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("file: not a path: " + e.getMessage());
            }
            if (file.getParent() != null && !java.nio.file.Files.isDirectory(file.getParent())) {
                throw new IllegalArgumentException("file: directory does not exist: " + file.getParent());
            }
        }
        return new FlowMonitorCallout(new FlowMonitorCallout.FlowSelector(protocol, remote, remotePort, localPort), limits, file);
    }
}
