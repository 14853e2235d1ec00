package io.calloutd.flow;

import io.calloutd.packet.IpProtocols;
import io.calloutd.packet.ParsedPacket;
import io.netty.buffer.ByteBuf;

/**
 * A reusable, direction-normalised flow key: IP version, protocol and two endpoints (address as two longs, port)
 * ordered so that both directions of a connection produce the same key; {@link #srcIsA} says which endpoint sent
 * the packet. IPv4 addresses are stored as (0, unsigned 32-bit). ICMP echo-style queries use the identifier as
 * both ports, other non-error ICMP uses type/code; ICMP errors are keyed by the packet they quote.
 * Filled per packet without allocation; one instance per table.
 */
final class FlowKey {
    /** What {@link #extract} found. */
    static final int OK = 0;
    /** Needs a transport header the packet lacks (e.g. a non-first fragment): reassemble first. */
    static final int UNTRACKABLE = 1;
    /** An ICMP error: the key describes the quoted packet's flow. */
    static final int ICMP_ERROR = 2;

    int ipVersion;
    int protocol;
    long aHigh, aLow, bHigh, bLow;
    int aPort, bPort;
    boolean srcIsA;
    int hash;

    private final long seed;

    FlowKey(long seed) { this.seed = seed; }

    /** Fills the key from a successfully parsed packet; returns OK, UNTRACKABLE or ICMP_ERROR. */
    int extract(ParsedPacket p) {
        int proto = p.transportProtocol();
        int sp = 0, dp = 0;
        int result = OK;
        if (proto == IpProtocols.TCP || proto == IpProtocols.UDP) {
            if (!p.hasTransportHeader()) {
                return UNTRACKABLE;
            }
            sp = proto == IpProtocols.TCP ? p.tcp().sourcePort() : p.udp().sourcePort();
            dp = proto == IpProtocols.TCP ? p.tcp().destinationPort() : p.udp().destinationPort();
        } else if (proto == IpProtocols.ICMP || proto == IpProtocols.ICMPV6) {
            if (!p.hasTransportHeader()) {
                return UNTRACKABLE;
            }
            boolean v6 = proto == IpProtocols.ICMPV6;
            int type = v6 ? p.icmpv6().type() : p.icmp().type();
            if (IcmpKinds.isError(type, v6)) {
                return quoted(p.buffer(), p.transportOffset() + 8, p.ipEnd(), v6) ? ICMP_ERROR : UNTRACKABLE;
            }
            sp = dp = icmpPort(type, v6 ? p.icmpv6().code() : p.icmp().code(),
                    v6 ? p.icmpv6().identifier() : p.icmp().identifier(), v6);
        }
        if (p.ipVersion() == 4) {
            set(4, proto, 0, p.ipv4().sourceAddress() & 0xFFFFFFFFL, sp,
                    0, p.ipv4().destinationAddress() & 0xFFFFFFFFL, dp);
        } else {
            var h = p.ipv6();
            set(6, proto, h.sourceAddressHigh(), h.sourceAddressLow(), sp,
                    h.destinationAddressHigh(), h.destinationAddressLow(), dp);
        }
        return result;
    }

    /** Keys the packet quoted by an ICMP error at {@code off}; false if it is not a packet we can key cheaply. */
    private boolean quoted(ByteBuf b, int off, int end, boolean v6) {
        int proto;
        int t;
        long sh = 0, sl, dh = 0, dl;
        if (!v6) {
            if (off + 20 > end || (b.getUnsignedByte(off) >>> 4) != 4) {
                return false;
            }
            proto = b.getUnsignedByte(off + 9);
            sl = b.getInt(off + 12) & 0xFFFFFFFFL;
            dl = b.getInt(off + 16) & 0xFFFFFFFFL;
            t = off + ((b.getUnsignedByte(off) & 0x0F) << 2);
        } else {
            if (off + 40 > end || (b.getUnsignedByte(off) >>> 4) != 6) {
                return false;
            }
            proto = b.getUnsignedByte(off + 6); // extension headers are not walked: not cheap, rare in errors
            sh = b.getLong(off + 8);
            sl = b.getLong(off + 16);
            dh = b.getLong(off + 24);
            dl = b.getLong(off + 32);
            t = off + 40;
        }
        int sp, dp;
        if (proto == IpProtocols.TCP || proto == IpProtocols.UDP) {
            if (t + 4 > end) {
                return false;
            }
            sp = b.getUnsignedShort(t);
            dp = b.getUnsignedShort(t + 2);
        } else if (proto == (v6 ? IpProtocols.ICMPV6 : IpProtocols.ICMP)) {
            if (t + 8 > end) {
                return false;
            }
            int type = b.getUnsignedByte(t);
            if (IcmpKinds.isError(type, v6)) {
                return false;
            }
            sp = dp = icmpPort(type, b.getUnsignedByte(t + 1), b.getUnsignedShort(t + 4), v6);
        } else {
            sp = dp = 0;
        }
        set(v6 ? 6 : 4, proto, sh, sl, sp, dh, dl, dp);
        return true;
    }

    private static int icmpPort(int type, int code, int identifier, boolean v6) {
        // Request and reply of a query share the identifier; other messages get a per-type pseudo-flow.
        return IcmpKinds.isQuery(type, v6) ? identifier : 0x10000 | (type << 8) | code;
    }

    /** Sets the key from a packet's source and destination, normalising the endpoint order. */
    void set(int version, int proto, long sh, long sl, int sp, long dh, long dl, int dp) {
        ipVersion = version;
        protocol = proto;
        int c = Long.compareUnsigned(sh, dh);
        if (c == 0) {
            c = Long.compareUnsigned(sl, dl);
        }
        if (c == 0) {
            c = Integer.compare(sp, dp);
        }
        srcIsA = c <= 0;
        if (srcIsA) {
            aHigh = sh; aLow = sl; aPort = sp; bHigh = dh; bLow = dl; bPort = dp;
        } else {
            aHigh = dh; aLow = dl; aPort = dp; bHigh = sh; bLow = sl; bPort = sp;
        }
        hash = computeHash();
    }

    private int computeHash() {
        // Seeded so that remote peers cannot precompute colliding tuples for the open-addressing index.
        long h = seed ^ ((long) ipVersion << 56 | (long) protocol << 40);
        h = mix(h ^ aHigh);
        h = mix(h ^ aLow);
        h = mix(h ^ bHigh);
        h = mix(h ^ bLow);
        h = mix(h ^ ((long) aPort << 32 | bPort));
        return (int) (h ^ (h >>> 32));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** True if the flow's alias (see {@link FlowTable#alias}) carries this key. */
    boolean matchesAlias(Flow f) {
        return f.aliasALow == aLow && f.aliasBLow == bLow && f.aliasAPort == aPort && f.aliasBPort == bPort
                && f.protocol == protocol && f.aliasAHigh == aHigh && f.aliasBHigh == bHigh && f.ipVersion == ipVersion;
    }

    /** True if the flow carries this key. */
    boolean matches(Flow f) {
        return f.aLow == aLow && f.bLow == bLow && f.aPort == aPort && f.bPort == bPort && f.protocol == protocol
                && f.aHigh == aHigh && f.bHigh == bHigh && f.ipVersion == ipVersion;
    }
}
