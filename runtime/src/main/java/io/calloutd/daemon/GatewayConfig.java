package io.calloutd.daemon;

import io.calloutd.nativebridge.TunOffload;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of gateway mode: which interfaces face the protected side and the outside, and the routing
 * resources the daemon claims in its namespace (two routing tables, three rule priorities, a mark).
 *
 * @param inside       interface facing the protected network (its traffic is OUTBOUND)
 * @param outside      interface facing the outside (its traffic is INBOUND)
 * @param tunPrefix    prefix of the TUN device names ({@code <prefix>-out}, {@code <prefix>-in})
 * @param queues       TUN queues (and packet threads) per device
 * @param table        first of the two routing tables used for steering (table and table + 1)
 * @param rulePriority first of the three rule priorities used (mark exemption, inside, outside)
 * @param mark         firewall mark of send-path injected packets, exempt from steering
 * @param failClosed   keep a lowest-priority blackhole in the steering tables so that traffic stops
 *                     rather than bypasses the firewall if the TUN disappears
 * @param offloads     TUN offloads wanted (those the kernel also accepts are enabled); empty = no vnet header at all
 */
public record GatewayConfig(String inside, String outside, String tunPrefix, int queues, int table,
                            int rulePriority, int mark, boolean failClosed, Set<TunOffload> offloads) {
    /** Validates the settings; throws IllegalArgumentException naming the bad one. */
    public GatewayConfig {
        Objects.requireNonNull(inside, "inside");
        Objects.requireNonNull(outside, "outside");
        if (inside.equals(outside)) {
            throw new IllegalArgumentException("--inside and --outside name the same interface: " + inside);
        }
        if (queues < 1 || queues > 64) {
            throw new IllegalArgumentException("--queues must be 1..64, got " + queues);
        }
        if (tunPrefix.isEmpty() || tunPrefix.length() > 11 || !tunPrefix.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("--tun-prefix must be 1..11 characters [A-Za-z0-9_], got '" + tunPrefix + "'");
        }
        if (table < 1 || table > 0x7FFFFFF0 || table == 253 || table == 254 || table == 255
                || table + 1 == 253 || table + 1 == 254 || table + 1 == 255) {
            throw new IllegalArgumentException("--table must leave table and table+1 clear of default/main/local, got " + table);
        }
        if (rulePriority < 1 || rulePriority > 32000) {
            throw new IllegalArgumentException("--rule-priority must be 1..32000 (below the main table's 32766), got " + rulePriority);
        }
        if (mark == 0) {
            throw new IllegalArgumentException("--mark must be non-zero");
        }
        offloads = offloads.isEmpty() ? EnumSet.noneOf(TunOffload.class) : EnumSet.copyOf(offloads);
        if (!offloads.isEmpty() && !offloads.contains(TunOffload.CSUM)) {
            throw new IllegalArgumentException("--offload: every offload needs csum, got " + offloads);
        }
    }

    /** @return whether the TUNs carry a virtio_net_hdr (any offload requested) */
    public boolean vnetHeader() {
        return !offloads.isEmpty();
    }

    /** @return the TUN device that carries traffic from the inside (OUTBOUND) */
    public String outboundTun() {
        return tunPrefix + "-out";
    }

    /** @return the TUN device that carries traffic from the outside (INBOUND) */
    public String inboundTun() {
        return tunPrefix + "-in";
    }
}
