package io.calloutd.replay;

import io.calloutd.pipeline.Direction;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * How an offline replay knows a packet's direction, which a capture does not record: packets whose source lies in
 * an inside prefix come from the protected side (OUTBOUND), packets whose destination does go to it (INBOUND).
 * The source is asked first, so traffic between two inside hosts counts as outbound. A packet matching neither
 * has no direction and is skipped.
 */
public final class DirectionRule {
    private final List<Prefix> inside;

    private record Prefix(byte[] address, int length) {
        boolean contains(byte[] a) {
            if (a.length != address.length) {
                return false;
            }
            int full = length / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != address[i]) {
                    return false;
                }
            }
            int rest = length % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (a[full] & mask) == (address[full] & mask);
        }
    }

    private DirectionRule(List<Prefix> inside) {
        this.inside = inside;
    }

    /**
     * @param cidrs inside prefixes such as {@code 198.18.1.0/24} or {@code fd00:1::/64} (a bare address is a host)
     * @throws IllegalArgumentException naming the prefix that is not valid
     */
    public static DirectionRule insidePrefixes(List<String> cidrs) {
        List<Prefix> list = new ArrayList<>();
        for (String c : cidrs) {
            list.add(parse(c.trim()));
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("at least one inside prefix is needed to tell the direction of packets");
        }
        return new DirectionRule(List.copyOf(list));
    }

    private static Prefix parse(String cidr) {
        int slash = cidr.indexOf('/');
        String addr = slash < 0 ? cidr : cidr.substring(0, slash);
        if (!addr.matches("[0-9a-fA-F.:]+")) {
            throw new IllegalArgumentException("inside prefix '" + cidr + "': not an IP address");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress(); // a literal: no name lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("inside prefix '" + cidr + "': not an IP address");
        }
        int max = bytes.length * 8;
        int len;
        try {
            len = slash < 0 ? max : Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("inside prefix '" + cidr + "': bad prefix length");
        }
        if (len < 0 || len > max) {
            throw new IllegalArgumentException("inside prefix '" + cidr + "': prefix length must be 0.." + max);
        }
        return new Prefix(bytes, len);
    }

    /**
     * @param source      the packet's source address bytes (4 or 16)
     * @param destination its destination address bytes
     * @return the direction, or null when neither address is inside
     */
    public Direction of(byte[] source, byte[] destination) {
        for (Prefix p : inside) {
            if (p.contains(source)) {
                return Direction.OUTBOUND;
            }
        }
        for (Prefix p : inside) {
            if (p.contains(destination)) {
                return Direction.INBOUND;
            }
        }
        return null;
    }
}
