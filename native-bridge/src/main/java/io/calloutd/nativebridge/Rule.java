package io.calloutd.nativebridge;

import java.util.Objects;

/**
 * A policy-routing rule whose action is {@code lookup <table>}.
 *
 * @param family         IPv4 or IPv6
 * @param priority       rule priority (lower is consulted first)
 * @param table          the table to look up
 * @param fwmark         firewall mark to match; 0 with a 0 mask for none
 * @param fwmask         mask for {@code fwmark}; 0 for none
 * @param inputInterface input interface name to match, or null for any
 */
public record Rule(IpFamily family, int priority, int table, int fwmark, int fwmask, String inputInterface,
                   Prefix source, Prefix destination) {
    /**
     * An address prefix a rule matches ({@code from} / {@code to}).
     *
     * @param address the network address
     * @param length  prefix length
     */
    public record Prefix(java.net.InetAddress address, int length) {
        /** Checks the length against the address family. */
        public Prefix {
            Objects.requireNonNull(address, "address");
            int max = address.getAddress().length * 8;
            if (length < 0 || length > max) {
                throw new IllegalArgumentException("prefix length " + length + " out of 0.." + max);
            }
        }

        @Override
        public String toString() {
            return address.getHostAddress() + "/" + length;
        }
    }

    /** A rule without address prefixes. */
    public Rule(IpFamily family, int priority, int table, int fwmark, int fwmask, String inputInterface) {
        this(family, priority, table, fwmark, fwmask, inputInterface, null, null);
    }

    /** Checks the fields; throws IllegalArgumentException naming the bad one. */
    public Rule {
        Objects.requireNonNull(family, "family");
        if (priority < 0) {
            throw new IllegalArgumentException("negative priority " + priority);
        }
        if (table <= 0) {
            throw new IllegalArgumentException("bad table " + table);
        }
        if (fwmask == 0 && fwmark != 0) {
            throw new IllegalArgumentException("fwmark " + fwmark + " needs a non-zero mask (use -1 for an exact match)");
        }
    }

    /** @return {@code priority P iif IF lookup TABLE} */
    public static Rule inputInterface(IpFamily family, int priority, String iif, int table) {
        return new Rule(family, priority, table, 0, 0, Objects.requireNonNull(iif, "iif"));
    }

    /** @return {@code priority P to PREFIX lookup TABLE} */
    public static Rule toPrefix(IpFamily family, int priority, Prefix destination, int table) {
        return new Rule(family, priority, table, 0, 0, null, null, Objects.requireNonNull(destination, "destination"));
    }

    /** @return {@code priority P from PREFIX lookup TABLE} */
    public static Rule fromPrefix(IpFamily family, int priority, Prefix source, int table) {
        return new Rule(family, priority, table, 0, 0, null, Objects.requireNonNull(source, "source"), null);
    }

    /** @return {@code priority P fwmark MARK lookup TABLE} (exact mark, mask 0xffffffff) */
    public static Rule fwmark(IpFamily family, int priority, int mark, int table) {
        return new Rule(family, priority, table, mark, -1, null);
    }

    /** @return e.g. {@code priority 7001 iif veth-c lookup 7000 (IPV4)}, for messages */
    public String describe() {
        StringBuilder s = new StringBuilder("priority ").append(priority);
        if (fwmask != 0) {
            s.append(" fwmark 0x").append(Integer.toHexString(fwmark));
            if (fwmask != -1) {
                s.append("/0x").append(Integer.toHexString(fwmask));
            }
        }
        if (source != null) {
            s.append(" from ").append(source);
        }
        if (destination != null) {
            s.append(" to ").append(destination);
        }
        if (inputInterface != null) {
            s.append(" iif ").append(inputInterface);
        }
        return s.append(" lookup ").append(table).append(" (").append(family).append(')').toString();
    }
}
