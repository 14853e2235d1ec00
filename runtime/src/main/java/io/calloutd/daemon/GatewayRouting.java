package io.calloutd.daemon;

import io.calloutd.nativebridge.IpFamily;
import io.calloutd.nativebridge.NativeException;
import io.calloutd.nativebridge.Route;
import io.calloutd.nativebridge.Rtnetlink;
import io.calloutd.nativebridge.Rule;
import io.calloutd.nativebridge.Sysctl;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Policy routing that steers traffic forwarded between the inside and outside interfaces through the
 * daemon's TUN devices, in the daemon's own network namespace:
 * <pre>
 *   pref P    fwmark MARK lookup main      (send-path injections are never steered back)
 *   pref P    from/to fe80::/10, to ff00::/8 lookup main   (IPv6 only: link-local traffic stays on the link)
 *   pref P+1  iif INSIDE  lookup T         T:   default dev &lt;prefix&gt;-out  [+ blackhole, metric max]
 *   pref P+2  iif OUTSIDE lookup T+1       T+1: default dev &lt;prefix&gt;-in   [+ blackhole, metric max]
 * </pre>
 * for IPv4 and IPv6, set up through rtnetlink (no {@code ip} processes). A packet written back to a TUN arrives with iif = the TUN, matches no steering rule and
 * is forwarded by the main table. Every change is recorded with its undo, so a failure half-way and
 * {@link #close()} both leave the namespace as it was.
 */
public final class GatewayRouting implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayRouting.class);

    private static final Rule.Prefix LINK_LOCAL = prefix("fe80::", 10);
    private static final Rule.Prefix MULTICAST_V6 = prefix("ff00::", 8);

    private final Deque<Undo> undo = new ArrayDeque<>();

    private static Rule.Prefix prefix(String address, int length) {
        try {
            return new Rule.Prefix(java.net.InetAddress.getByName(address), length);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // a literal: cannot happen
        }
    }
    /** Kept open until {@link #close()}: undoing needs only CAP_NET_ADMIN on an already open socket. */
    private Rtnetlink nl;

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
        nl = Rtnetlink.open();
        requireInterface(cfg.inside(), "--inside");
        requireInterface(cfg.outside(), "--outside");
        for (IpFamily family : IpFamily.values()) {
            Set<Integer> used = nl.rulePriorities(family);
            for (int p = cfg.rulePriority(); p < cfg.rulePriority() + 3; p++) {
                if (used.contains(p)) {
                    throw new IOException("rule priority " + p + " (" + family + ") is already in use; choose another --rule-priority");
                }
            }
            for (int t = cfg.table(); t <= cfg.table() + 1; t++) {
                if (!nl.routes(family, t).isEmpty()) {
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
        int mtu = Math.max(nl.link(cfg.inside()).mtu(), nl.link(cfg.outside()).mtu());
        for (String tun : List.of(cfg.outboundTun(), cfg.inboundTun())) {
            if (!"0".equals(Sysctl.get("net.ipv4.conf." + tun + ".rp_filter"))) {
                Sysctl.set("net.ipv4.conf." + tun + ".rp_filter", "0");
            }
            int index = nl.linkIndex(tun);
            nl.setMtu(index, mtu);
            nl.setLinkUp(index, true);
        }

        int outTun = nl.linkIndex(cfg.outboundTun());
        int inTun = nl.linkIndex(cfg.inboundTun());
        for (IpFamily family : ipv6 ? List.of(IpFamily.IPV4, IpFamily.IPV6) : List.of(IpFamily.IPV4)) {
            routeTable(family, cfg.table(), outTun, cfg.failClosed());
            routeTable(family, cfg.table() + 1, inTun, cfg.failClosed());
            rule(Rule.fwmark(family, cfg.rulePriority(), cfg.mark(), Route.MAIN_TABLE));
            if (family == IpFamily.IPV6) {
                // Link-local traffic (neighbour discovery, MLD, router solicitations) belongs to the link and is
                // never forwarded: keep it out of the TUNs (same priority, consulted before the iif rules).
                rule(Rule.fromPrefix(family, cfg.rulePriority(), LINK_LOCAL, Route.MAIN_TABLE));
                rule(Rule.toPrefix(family, cfg.rulePriority(), LINK_LOCAL, Route.MAIN_TABLE));
                rule(Rule.toPrefix(family, cfg.rulePriority(), MULTICAST_V6, Route.MAIN_TABLE));
            }
            rule(Rule.inputInterface(family, cfg.rulePriority() + 1, cfg.inside(), cfg.table()));
            rule(Rule.inputInterface(family, cfg.rulePriority() + 2, cfg.outside(), cfg.table() + 1));
        }
        LOG.info("steering {} -> {} and {} -> {} (tables {}/{}, rule priorities {}..{}, mark 0x{}, {})",
                cfg.inside(), cfg.outboundTun(), cfg.outside(), cfg.inboundTun(), cfg.table(), cfg.table() + 1,
                cfg.rulePriority(), cfg.rulePriority() + 2, Integer.toHexString(cfg.mark()),
                cfg.failClosed() ? "fail-closed" : "fail-open");
    }

    private void requireInterface(String name, String option) throws IOException {
        try {
            nl.link(name);
        } catch (NativeException e) {
            if (e.errno() == NativeException.ENODEV) {
                throw new IOException(option + " interface '" + name + "' does not exist in this network namespace", e);
            }
            throw e;
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

    /**
     * Table {@code table}: {@code default dev TUN}, and in fail-closed mode a blackhole behind it. When the TUN
     * vanishes (the daemon died) the kernel drops the device route: fail-closed, the blackhole is what remains;
     * fail-open, the table is empty and the lookup falls through to the main table, bypassing the firewall.
     */
    private void routeTable(IpFamily family, int table, int tunIndex, boolean failClosed) throws IOException {
        undo.push(() -> nl.flushTable(family, table));
        nl.addRoute(Route.defaultVia(family, table, tunIndex));
        if (failClosed) {
            nl.addRoute(Route.blackholeDefault(family, table, Route.LOWEST_PRIORITY_METRIC));
        }
    }

    private void rule(Rule rule) throws IOException {
        nl.addRule(rule);
        undo.push(() -> nl.deleteRule(rule));
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
        if (nl != null) {
            try {
                nl.close();
            } catch (IOException e) {
                LOG.warn("closing the rtnetlink socket: {}", e.getMessage());
            }
            nl = null;
        }
    }
}
