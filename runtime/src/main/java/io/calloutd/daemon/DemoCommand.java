package io.calloutd.daemon;

import io.calloutd.lab.DaemonProcess;
import io.calloutd.lab.LabTopology;
import io.calloutd.lab.Traffic;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code calloutd demo}: builds the client — firewall — server namespace lab, runs the daemon in the firewall
 * namespace, drives real traffic through it with live counters, and tears everything down at exit, also on
 * Ctrl-C or failure.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the three-namespace demo lab with real traffic through the daemon (needs root).")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--tcp-bytes", defaultValue = "10485760", description = "Size of the TCP transfer (default: ${DEFAULT-VALUE}).")
    long tcpBytes;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (new com.sun.security.auth.module.UnixSystem().getUid() != 0) {
            out.println("calloutd demo needs root (it creates network namespaces); try: sudo ./calloutd demo");
            return 2;
        }
        AtomicReference<LabTopology> labRef = new AtomicReference<>();
        AtomicReference<DaemonProcess> daemonRef = new AtomicReference<>();
        Thread teardown = new Thread(() -> tearDown(labRef, daemonRef), "calloutd-demo-teardown");
        Runtime.getRuntime().addShutdownHook(teardown);
        boolean ok = true;
        try {
            out.println("== building the lab: client — firewall — server namespaces");
            LabTopology lab = LabTopology.create();
            labRef.set(lab);
            out.printf("   client %s (%s, %s)%n   firewall %s (%s | %s)%n   server %s (%s, %s)%n",
                    lab.client(), LabTopology.CLIENT_V4, LabTopology.CLIENT_V6, lab.firewall(), LabTopology.FW_INSIDE,
                    LabTopology.FW_OUTSIDE, lab.server(), LabTopology.SERVER_V4, LabTopology.SERVER_V6);
            out.println("== starting calloutd run --gateway in the firewall namespace");
            java.nio.file.Path policy = DemoCallouts.writePolicy(java.nio.file.Files.createTempDirectory("calloutd-demo-"));
            out.println("   policy " + policy + ": stmedit on port " + DemoCallouts.WEATHER_PORT + ", connect-redirect "
                    + DemoCallouts.REDIRECTED + ":" + DemoCallouts.REDIRECTED_PORT + " -> " + LabTopology.SERVER_V4 + ":"
                    + DemoCallouts.SERVICE_PORT);
            DaemonProcess daemon = DaemonProcess.startGateway(lab, null, "--config", policy.toString());
            daemonRef.set(daemon);
            Thread live = startLiveCounters(daemon);
            try {
                int v4 = Traffic.ping(lab.client(), LabTopology.SERVER_V4, 5, 56);
                ok &= check("IPv4 ping client -> server", v4 == 5, v4 + "/5 replies");
                int v6 = Traffic.ping(lab.client(), LabTopology.SERVER_V6, 5, 56);
                ok &= check("IPv6 ping client -> server", v6 == 5, v6 + "/5 replies");
                Traffic.TcpResult tcp = Traffic.tcpDownload(lab.client(), lab.server(), LabTopology.SERVER_V4, 5001, tcpBytes);
                ok &= check("TCP transfer server -> client", tcp.intact(), String.format("%d bytes, sha256 %s…, %.0f Mbit/s",
                        tcp.bytesReceived(), tcp.receivedSha256().substring(0, 16), tcp.mbitPerSecond()));
                Traffic.UdpResult udp = Traffic.udpEcho(lab.client(), lab.server(), LabTopology.SERVER_V6, 5002, 200, 512);
                ok &= check("UDP echo over IPv6 (both ways)", udp.echoedIntact() == udp.sent(),
                        udp.echoedIntact() + "/" + udp.sent() + " datagrams back intact");
                String forecast = DemoCallouts.streamEdit(lab);
                ok &= check("stream edit (stmedit, port 8888)", forecast.equals(
                        DemoCallouts.FORECAST.replace("rainy", "sunny and warm")), "server sent '"
                        + DemoCallouts.FORECAST.trim() + "', client read '" + forecast.trim() + "'");
                String redirected = DemoCallouts.redirect(lab);
                ok &= check("connect redirect (to an address nobody has)", redirected.contains("got 'hello' from /"
                        + LabTopology.CLIENT_V4), redirected);
            } finally {
                live.interrupt();
                live.join(2_000);
            }
            Thread.sleep(600); // traffic has stopped: let the daemon write a quiescent snapshot (every 200 ms)
            StatsSnapshot s = daemon.stats();
            out.printf("== daemon counters: in=%d out=%d (inbound %d, outbound %d; receive-path %d, send-path %d) "
                            + "malformed=%d injection-failed=%d%n", s.packetsIn(), s.packetsOut(), s.inbound(), s.outbound(),
                    s.reinjectedReceivePath(), s.reinjectedSendPath(), s.dropsMalformed(), s.dropsInjectionFailed());
            ok &= check("every packet crossed the daemon's TUN", s.packetsIn() > 0 && s.unaccounted() == 0,
                    "every packet reinjected or counted");
        } catch (Exception e) {
            out.println("!! demo failed: " + e.getMessage());
            ok = false;
        } finally {
            tearDown(labRef, daemonRef);
            Runtime.getRuntime().removeShutdownHook(teardown);
        }
        out.println(ok ? "== demo passed" : "== demo FAILED");
        return ok ? 0 : 1;
    }

    private Thread startLiveCounters(DaemonProcess daemon) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(1000);
                    StatsSnapshot s = daemon.stats();
                    out.printf("   [live] in=%d out=%d bytes=%d malformed=%d%n", s.packetsIn(), s.packetsOut(),
                            s.bytesIn(), s.dropsMalformed());
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // the daemon rewrites the file atomically; a missed sample is harmless
                }
            }
        }, "calloutd-demo-live");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private boolean check(String what, boolean passed, String detail) {
        out.printf("   %s %-36s %s%n", passed ? "ok  " : "FAIL", what, detail);
        return passed;
    }

    private void tearDown(AtomicReference<LabTopology> lab, AtomicReference<DaemonProcess> daemon) {
        DaemonProcess d = daemon.getAndSet(null);
        if (d != null) {
            int status = d.stop();
            out.println("== daemon stopped (exit " + status + "), routing restored");
            d.close();
        }
        LabTopology l = lab.getAndSet(null);
        if (l != null) {
            String names = String.join(", ", l.namespaces());
            l.close();
            out.println("== lab torn down: removed namespaces " + names);
        }
    }
}
