package io.calloutd.config;

import java.util.List;

/**
 * The configuration file as bound by Jackson (YAML or JSON). Unknown fields are rejected. Every section is
 * optional; {@link ConfigLoader} validates references and values before anything is applied.
 *
 * @param mode       operating mode ("gateway")
 * @param interfaces interfaces used by the mode
 * @param limits     table sizes
 * @param api        management API settings
 * @param metrics    Prometheus exporter settings
 * @param netEvents  net event collection and log
 * @param sublayers  sublayers to create
 * @param callouts   callout instances (a catalog type plus parameters)
 * @param filters    filters
 */
public record PolicyFile(String mode, Interfaces interfaces, Limits limits, ApiSettings api, MetricsSettings metrics,
                         NetEventSettings netEvents, List<SublayerDef> sublayers, List<CalloutDef> callouts,
                         List<FilterDef> filters) {
    /** Null lists become empty. */
    public PolicyFile {
        sublayers = sublayers == null ? List.of() : List.copyOf(sublayers);
        callouts = callouts == null ? List.of() : List.copyOf(callouts);
        filters = filters == null ? List.of() : List.copyOf(filters);
    }

    /** @param inside protected side  @param outside outside */
    public record Interfaces(String inside, String outside) { }

    /**
     * @param flowTable            maximum tracked flows
     * @param reassemblyDatagrams  maximum datagrams under reassembly
     * @param reassemblyTimeoutMs  reassembly timeout
     * @param udpIdleSeconds       idle timeout of UDP (and other non-TCP, non-ICMP) flows; default 60
     */
    public record Limits(Integer flowTable, Integer reassemblyDatagrams, Integer reassemblyTimeoutMs,
                         Integer udpIdleSeconds) { }

    /**
     * @param socket          Unix socket path
     * @param stateDir        directory holding persistent objects
     * @param readGroup       group (name or gid) allowed to read
     * @param adminGroup      group (name or gid) allowed to change (root always may)
     * @param socketMode      octal file mode of the socket, e.g. "0660"
     * @param maxRequestBytes longest accepted request line
     */
    public record ApiSettings(String socket, String stateDir, String readGroup, String adminGroup, String socketMode,
                              Integer maxRequestBytes) { }

    /**
     * @param port                localhost port of the Prometheus endpoint; 0 or absent = off
     * @param classifySampleEvery time one layer classification in this many for the histograms (default 16)
     */
    public record MetricsSettings(Integer port, Integer classifySampleEvery) { }

    /**
     * @param log          file receiving net events as JSON lines; absent = no file
     * @param capacity     in-memory event ring size
     * @param collect      whether events are collected at all (default true)
     * @param captureDrops blocked packets copied to a rotating pcapng file; absent = none
     * @param allow        also report CLASSIFY_ALLOW, one event per flow an ALE authorization permits (default false;
     *                     WFP's CLASSIFY_ALLOW keyword); follows reloads
     */
    public record NetEventSettings(String log, Integer capacity, Boolean collect, CaptureSettings captureDrops,
                                   Boolean allow) {
        /** True when {@code allow} is set to true in {@code file}. */
        public static boolean allowEvents(PolicyFile file) {
            return file.netEvents() != null && Boolean.TRUE.equals(file.netEvents().allow());
        }
    }

    /**
     * @param file     pcapng file (rotated copies file.1, file.2 ...)
     * @param maxBytes rotation size (default 16 MiB)
     * @param files    files kept (default 4)
     */
    public record CaptureSettings(String file, Long maxBytes, Integer files) { }
}
