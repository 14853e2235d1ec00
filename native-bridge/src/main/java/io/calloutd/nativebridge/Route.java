package io.calloutd.nativebridge;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A route in one routing table.
 *
 * @param family          IPv4 or IPv6
 * @param table           routing table id (254 is main)
 * @param type            unicast, blackhole, ...
 * @param destination     network address of the prefix; null for the default route
 * @param prefixLength    prefix length; 0 with a null destination for the default route
 * @param outputInterface output interface index; 0 for none (blackhole)
 * @param metric          route priority (unsigned 32 bits); {@link #KERNEL_DEFAULT_METRIC} lets the kernel choose
 *                        (0 for IPv4, 1024 for IPv6)
 */
public record Route(IpFamily family, int table, Type type, InetAddress destination, int prefixLength,
                    int outputInterface, long metric) {
    /** Leave the metric to the kernel. */
    public static final long KERNEL_DEFAULT_METRIC = -1;
    /** The largest metric: a route that is used only when nothing else in its table matches. */
    public static final long LOWEST_PRIORITY_METRIC = 0xffffffffL;
    /** The main routing table. */
    public static final int MAIN_TABLE = 254;

    /** Checks the fields; throws IllegalArgumentException naming the bad one. */
    public Route {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(type, "type");
        if (destination != null && IpFamily.of(destination) != family) {
            throw new IllegalArgumentException("destination " + destination.getHostAddress() + " is not " + family);
        }
        if (prefixLength < 0 || prefixLength > family.maxPrefixLength() || (destination == null && prefixLength != 0)) {
            throw new IllegalArgumentException("bad prefix length " + prefixLength);
        }
        if (metric < KERNEL_DEFAULT_METRIC || metric > LOWEST_PRIORITY_METRIC) {
            throw new IllegalArgumentException("metric out of range: " + metric);
        }
    }

    /** @return {@code default dev <ifIndex> table <table>} */
    public static Route defaultVia(IpFamily family, int table, int ifIndex) {
        return new Route(family, table, Type.UNICAST, null, 0, ifIndex, KERNEL_DEFAULT_METRIC);
    }

    /** @return {@code blackhole default metric <metric> table <table>} */
    public static Route blackholeDefault(IpFamily family, int table, long metric) {
        return new Route(family, table, Type.BLACKHOLE, null, 0, 0, metric);
    }

    /** @return whether this is a default route (prefix length 0) */
    public boolean isDefault() {
        return prefixLength == 0;
    }

    /** @return e.g. {@code blackhole default table 7000 metric 4294967295 (IPv4)}, for messages */
    public String describe() {
        StringBuilder s = new StringBuilder();
        if (type != Type.UNICAST) {
            s.append(type.name().toLowerCase()).append(' ');
        }
        s.append(destination == null ? "default" : destination.getHostAddress() + "/" + prefixLength);
        if (outputInterface != 0) {
            s.append(" dev #").append(outputInterface);
        }
        s.append(" table ").append(table);
        if (metric != KERNEL_DEFAULT_METRIC) {
            s.append(" metric ").append(metric);
        }
        return s.append(" (").append(family).append(')').toString();
    }

    /** Route types ({@code rtm_type}). */
    public enum Type {
        /** Any kernel type this enum does not name. */
        OTHER(0),
        /** A gateway or direct route. */
        UNICAST(1),
        /** Accept locally. */
        LOCAL(2),
        /** Accept locally as broadcast. */
        BROADCAST(3),
        /** Accept locally as anycast. */
        ANYCAST(4),
        /** Multicast route. */
        MULTICAST(5),
        /** Drop silently. */
        BLACKHOLE(6),
        /** Drop with ICMP unreachable. */
        UNREACHABLE(7),
        /** Drop with ICMP prohibited. */
        PROHIBIT(8),
        /** Continue the lookup in the next rule. */
        THROW(9);

        final int value;

        Type(int value) {
            this.value = value;
        }

        static Type of(int value) {
            for (Type t : values()) {
                if (t.value == value) {
                    return t;
                }
            }
            return OTHER;
        }
    }
}
