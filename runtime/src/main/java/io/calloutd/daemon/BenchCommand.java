package io.calloutd.daemon;

import io.calloutd.lab.DaemonProcess;
import io.calloutd.lab.Iperf;
import io.calloutd.lab.LabTopology;
import io.calloutd.nativebridge.IpCommand;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code calloutd bench}: the lab benchmark. Measures TCP throughput, the UDP packet rate of small packets and
 * the added round-trip latency through the daemon, against the same lab with the kernel forwarding alone
 * (no TUN) as the baseline, in the same run, and prints the ratios.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the daemon in the namespace lab against kernel forwarding (needs root and iperf3).")
final class BenchCommand implements Callable<Integer> {
    private static final Pattern RTT = Pattern.compile("= [\\d.]+/([\\d.]+)/");

    @Option(names = "--seconds", defaultValue = "5", description = "Duration of each iperf3 run (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--offload-modes", split = ",", defaultValue = "on,off",
            description = "Daemon runs to measure: on (default offloads, super-frames), off (--no-offload). Default: ${DEFAULT-VALUE}.")
    java.util.List<String> offloadModes;

    @Option(names = "--udp-payload", defaultValue = "36", description = "UDP payload bytes; 36 makes 64-byte IPv4 packets (default: ${DEFAULT-VALUE}).")
    int udpPayload;

    record Result(double tcpBps, double udpPps, double rttMillis) {
    }

    @Override
    public Integer call() throws Exception {
        try (LabTopology lab = LabTopology.create()) {
            // The baseline forwards in the kernel only: the same lab with forwarding on and no daemon.
            String previous = IpCommand.run("netns", "exec", lab.firewall(), "sysctl", "-n", "net.ipv4.ip_forward").trim();
            IpCommand.run("netns", "exec", lab.firewall(), "sysctl", "-qw", "net.ipv4.ip_forward=1");
            Result kernel = measure(lab);
            IpCommand.run("netns", "exec", lab.firewall(), "sysctl", "-qw", "net.ipv4.ip_forward=" + previous);
            for (String mode : offloadModes) {
                boolean on = !"off".equals(mode.trim());
                Result daemon;
                try (DaemonProcess d = on ? DaemonProcess.startGateway(lab, null) : DaemonProcess.startGateway(lab, null, "--no-offload")) {
                    daemon = measure(lab);
                    var st = d.stats();
                    System.out.printf("daemon counters (offloads %s %s): in=%d out=%d malformed=%d injection-failed=%d "
                                    + "super-frames=%d passed-whole=%d segmented=%d%n", on ? "on" : "off", st.offloads(),
                            st.packetsIn(), st.packetsOut(), st.dropsMalformed(), st.dropsInjectionFailed(),
                            st.gsoSuperFrames(), st.gsoPassedWhole(), st.gsoSegmented());
                }
                System.out.printf("%-34s %14s %14s %8s%n", "metric (IPv4, " + seconds + " s runs)", "kernel only",
                        "calloutd " + (on ? "GSO" : "no-GSO"), "ratio");
                row("TCP throughput (Gbit/s)", kernel.tcpBps / 1e9, daemon.tcpBps / 1e9);
                row("UDP " + (udpPayload + 28) + "-byte packets (kpps delivered)", kernel.udpPps / 1e3, daemon.udpPps / 1e3);
                row("ping RTT avg (ms)", kernel.rttMillis, daemon.rttMillis);
            }
        }
        return 0;
    }

    private Result measure(LabTopology lab) throws IOException {
        double tcp = Iperf.tcpBitsPerSecond(lab, LabTopology.SERVER_V4, seconds);
        double udp = Iperf.udpPacketsPerSecond(lab, LabTopology.SERVER_V4, seconds, udpPayload);
        return new Result(tcp, udp, rtt(lab));
    }

    private static double rtt(LabTopology lab) throws IOException {
        String out = IpCommand.run("netns", "exec", lab.client(), "ping", "-c", "50", "-i", "0.02", "-q", LabTopology.SERVER_V4);
        Matcher m = RTT.matcher(out);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static void row(String name, double kernel, double daemon) {
        System.out.printf("%-34s %14.3f %14.3f %8.3f%n", name, kernel, daemon, daemon / kernel);
    }
}
