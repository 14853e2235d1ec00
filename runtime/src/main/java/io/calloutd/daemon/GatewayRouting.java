package io.calloutd.daemon;

import io.calloutd.nativebridge.IpCommand;
import io.calloutd.nativebridge.Sysctl;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Policy routing that steers traffic forwarded between the inside and outside interfaces through the
 * daemon's TUN devices, in the daemon's own network namespace:
 * <pre>
 *   pref P    fwmark MARK lookup main      (send-path injections are never steered back)
 *   pref P+1  iif INSIDE  lookup T         T:   default dev &lt;prefix&gt;-out  [+ blackhole, metric max]
 *   pref P+2  iif OUTSIDE lookup T+1       T+1: default dev &lt;prefix&gt;-in   [+ blackhole, metric max]
 * </pre>
 * for IPv4 and IPv6. A packet written back to a TUN arrives with iif = the TUN, matches no steering rule and
 * is forwarded by the main table. Every change is recorded with its undo, so a failure half-way and
 * {@link #close()} both leave the namespace as it was.
 */
public final class GatewayRouting implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayRouting.class);

    private final Deque<Undo> undo = new ArrayDeque<>();

    @FunctionalInterface
    private interface Undo {
        void run() throws IOException;
    }

    private GatewayRouting() {
    }

    /**
     * Applies the routing for a gateway whose TUN devices already exist.
     *
     * @throws IOException naming the step that failed; everything applied before it has been undone
     */
    public static GatewayRouting install(GatewayConfig cfg) throws IOException {
        GatewayRouting r = new GatewayRouting();
        try {
            r.apply(cfg);
            return r;
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    private void apply(GatewayConfig cfg) throws IOException {
        requireInterface(cfg.inside(), "--inside");
        requireInterface(cfg.outside(), "--outside");
        for (String family : List.of("-4", "-6")) {
            String rules = IpCommand.run(family, "rule", "show");
            for (int p = cfg.rulePriority(); p < cfg.rulePriority() + 3; p++) {
                if (rules.lines().anyMatch(hasPriority(p))) {
                    throw new IOException("rule priority " + p + " (" + family + ") is already in use; choose another --rule-priority");
                }
            }
            for (int t = cfg.table(); t <= cfg.table() + 1; t++) {
                if (!tableRoutes(family, t).isBlank()) {
                    throw new IOException("routing table " + t + " (" + family + ") is not empty; choose another --table");
                }
            }
        }

        setSysctl("net.ipv4.ip_forward", "1");
        boolean ipv6 = ipv6Enabled();
        if (ipv6) {
            setSysctl("net.ipv6.conf.all.forwarding", "1");
        } else {
            LOG.warn("IPv6 is disabled in this network namespace: steering IPv4 only");
        }
        // Packets written back to a TUN carry sources that route via the real interfaces: strict reverse
        // path filtering would drop them. The effective value is max(all, device).
        if (!"0".equals(Sysctl.get("net.ipv4.conf.all.rp_filter"))) {
            setSysctl("net.ipv4.conf.all.rp_filter", "0");
        }
        // The TUNs get the larger MTU of the two sides so steering never fragments or refuses what the kernel
        // would forward; the pipeline fits packets to the real egress MTU itself.
        int mtu = Math.max(InterfaceInfo.read(cfg.inside()).mtu(), InterfaceInfo.read(cfg.outside()).mtu());
        for (String tun : List.of(cfg.outboundTun(), cfg.inboundTun())) {
            if (!"0".equals(Sysctl.get("net.ipv4.conf." + tun + ".rp_filter"))) {
                Sysctl.set("net.ipv4.conf." + tun + ".rp_filter", "0");
            }
            IpCommand.run("link", "set", "dev", tun, "mtu", Integer.toString(mtu), "up");
        }

        String mark = "0x" + Integer.toHexString(cfg.mark());
        for (String family : ipv6 ? List.of("-4", "-6") : List.of("-4")) {
            routeTable(family, cfg.table(), cfg.outboundTun(), cfg.failClosed());
            routeTable(family, cfg.table() + 1, cfg.inboundTun(), cfg.failClosed());
            rule(family, cfg.rulePriority(), "fwmark", mark, "lookup", "main");
            rule(family, cfg.rulePriority() + 1, "iif", cfg.inside(), "lookup", Integer.toString(cfg.table()));
            rule(family, cfg.rulePriority() + 2, "iif", cfg.outside(), "lookup", Integer.toString(cfg.table() + 1));
        }
        LOG.info("steering {} -> {} and {} -> {} (tables {}/{}, rule priorities {}..{}, mark {}, {})",
                cfg.inside(), cfg.outboundTun(), cfg.outside(), cfg.inboundTun(), cfg.table(), cfg.table() + 1,
                cfg.rulePriority(), cfg.rulePriority() + 2, mark, cfg.failClosed() ? "fail-closed" : "fail-open");
    }

    private static java.util.function.Predicate<String> hasPriority(int p) {
        return line -> line.startsWith(p + ":");
    }

    /** Routes of a table; a table the kernel has never seen is empty (ip reports it as an error). */
    private static String tableRoutes(String family, int table) throws IOException {
        try {
            return IpCommand.run(family, "route", "show", "table", Integer.toString(table));
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("does not exist")) {
                return "";
            }
            throw e;
        }
    }

    private static void requireInterface(String name, String option) throws IOException {
        try {
            IpCommand.run("link", "show", "dev", name);
        } catch (IOException e) {
            throw new IOException(option + " interface '" + name + "' does not exist in this network namespace", e);
        }
    }

    private static boolean ipv6Enabled() {
        try {
            return "0".equals(Sysctl.get("net.ipv6.conf.all.disable_ipv6"));
        } catch (IOException noIpv6) {
            return false; // no /proc/sys/net/ipv6: the kernel has no IPv6 at all
        }
    }

    private void setSysctl(String name, String value) throws IOException {
        if (value.equals(Sysctl.get(name))) {
            return; // already set, e.g. by the container runtime where /proc/sys is read-only
        }
        String previous = Sysctl.set(name, value);
        if (!previous.equals(value)) {
            undo.push(() -> Sysctl.set(name, previous));
        }
    }

    private void routeTable(String family, int table, String tun, boolean failClosed) throws IOException {
        String t = Integer.toString(table);
        undo.push(() -> IpCommand.run(family, "route", "flush", "table", t));
        IpCommand.run(family, "route", "add", "default", "dev", tun, "table", t);
        if (failClosed) {
            IpCommand.run(family, "route", "add", "blackhole", "default", "metric", "4294967295", "table", t);
        }
    }

    private void rule(String family, int priority, String... selectorAndAction) throws IOException {
        String[] add = concat(new String[] {family, "rule", "add", "priority", Integer.toString(priority)}, selectorAndAction);
        IpCommand.run(add);
        undo.push(() -> IpCommand.run(family, "rule", "del", "priority", Integer.toString(priority)));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Undoes every applied change in reverse order; failures are logged and the rest still undone. */
    @Override
    public void close() {
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (IOException | RuntimeException e) {
                LOG.warn("routing restore step failed: {}", e.getMessage());
            }
        }
    }
}
