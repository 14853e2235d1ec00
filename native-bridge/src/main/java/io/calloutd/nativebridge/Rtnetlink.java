package io.calloutd.nativebridge;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Links, addresses, routes and policy rules of the network namespace the socket was opened in, changed and read
 * through rtnetlink (what {@code ip link/addr/route/rule} do, without running them).
 *
 * <p>Every change waits for the kernel's ack; a refusal is a {@link NativeException} naming the operation and the
 * errno, e.g. {@code "rtnetlink add route default dev #7 table 7000 (IPV4): File exists (errno 17)"}. Setup-time
 * API: thread-safe, one request at a time.
 */
public final class Rtnetlink implements AutoCloseable {
    private static final int RTM_GETLINK = 18;
    private static final int RTM_SETLINK = 19;
    private static final int RTM_NEWADDR = 20;
    private static final int RTM_DELADDR = 21;
    private static final int RTM_GETADDR = 22;
    private static final int RTM_NEWROUTE = 24;
    private static final int RTM_DELROUTE = 25;
    private static final int RTM_GETROUTE = 26;
    private static final int RTM_NEWRULE = 32;
    private static final int RTM_DELRULE = 33;
    private static final int RTM_GETRULE = 34;

    private static final int IFLA_IFNAME = 3;
    private static final int IFLA_MTU = 4;
    private static final int IFF_UP = 0x1;
    private static final int IFA_ADDRESS = 1;
    private static final int IFA_LOCAL = 2;
    private static final int IFA_FLAGS = 8;
    private static final int RTA_DST = 1;
    private static final int RTA_OIF = 4;
    private static final int RTA_PRIORITY = 6;
    private static final int RTA_TABLE = 15;
    private static final int FRA_DST = 1;
    private static final int FRA_SRC = 2;
    private static final int FRA_IIFNAME = 3;
    private static final int FRA_PRIORITY = 6;
    private static final int FRA_FWMARK = 10;
    private static final int FRA_TABLE = 15;
    private static final int FRA_FWMASK = 16;
    private static final int FR_ACT_TO_TBL = 1;
    /** What {@code ip route add} marks its routes with, so they look the same as before this class existed. */
    private static final int RTPROT_BOOT = 3;
    private static final int RT_SCOPE_UNIVERSE = 0;
    private static final int RT_SCOPE_LINK = 253;
    /** For deletes: matches a route of any scope. */
    private static final int RT_SCOPE_NOWHERE = 255;
    private static final int CREATE = NetlinkMessage.NLM_F_ACK | NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL;

    private final NetlinkSocket socket;

    private Rtnetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    /**
     * Opens a rtnetlink socket in the calling thread's network namespace; it keeps acting there whichever thread
     * uses it later.
     *
     * @throws NativeException if the socket cannot be created
     */
    public static Rtnetlink open() throws NativeException {
        return new Rtnetlink(NetlinkSocket.open());
    }

    // ---- links ----

    /**
     * @param name interface name
     * @return the interface
     * @throws NativeException ENODEV if there is no such interface
     */
    public synchronized Link link(String name) throws NativeException {
        Link[] found = new Link[1];
        socket.request(RTM_GETLINK, NetlinkMessage.NLM_F_ACK).u8(0).u8(0).u16(0).u32(0).u32(0).u32(0)
                .attrString(IFLA_IFNAME, name);
        // A non-dump GET answers with the link itself, then the ack.
        socket.dump("rtnetlink get link " + name, m -> found[0] = parseLink(m));
        if (found[0] == null) {
            throw new NativeException("rtnetlink get link " + name, NativeException.ENODEV);
        }
        return found[0];
    }

    /** @return the index of interface {@code name}; ENODEV if it does not exist */
    public int linkIndex(String name) throws NativeException {
        return link(name).index();
    }

    /** @return every interface of the namespace */
    public synchronized List<Link> links() throws NativeException {
        List<Link> r = new ArrayList<>();
        socket.request(RTM_GETLINK, NetlinkMessage.NLM_F_DUMP).u8(0).u8(0).u16(0).u32(0).u32(0).u32(0);
        socket.dump("rtnetlink dump links", m -> r.add(parseLink(m)));
        return r;
    }

    /** Sets interface {@code index} administratively up or down. */
    public synchronized void setLinkUp(int index, boolean up) throws NativeException {
        socket.request(RTM_SETLINK, NetlinkMessage.NLM_F_ACK).u8(0).u8(0).u16(0).u32(index).u32(up ? IFF_UP : 0).u32(IFF_UP);
        socket.execute("rtnetlink set link #" + index + (up ? " up" : " down"));
    }

    /** Sets the MTU of interface {@code index}. */
    public synchronized void setMtu(int index, int mtu) throws NativeException {
        socket.request(RTM_SETLINK, NetlinkMessage.NLM_F_ACK).u8(0).u8(0).u16(0).u32(index).u32(0).u32(0)
                .attrU32(IFLA_MTU, mtu);
        socket.execute("rtnetlink set link #" + index + " mtu " + mtu);
    }

    private static Link parseLink(ByteBuffer m) {
        int base = m.position();
        int index = m.getInt(base + 4);
        int flags = m.getInt(base + 8);
        Map<Integer, ByteBuffer> a = NetlinkMessage.attributes(m, base + 16, m.limit());
        return new Link(index, NetlinkMessage.string(a, IFLA_IFNAME), (int) NetlinkMessage.u32(a, IFLA_MTU, 0),
                (flags & IFF_UP) != 0);
    }

    // ---- addresses ----

    /** Adds {@code address/prefixLength} to interface {@code index}; IPv6 addresses skip DAD (usable at once). */
    public synchronized void addAddress(int index, InetAddress address, int prefixLength) throws NativeException {
        address(RTM_NEWADDR, CREATE, index, address, prefixLength, "add");
    }

    /** Removes {@code address/prefixLength} from interface {@code index}; EADDRNOTAVAIL if it is not there. */
    public synchronized void deleteAddress(int index, InetAddress address, int prefixLength) throws NativeException {
        address(RTM_DELADDR, NetlinkMessage.NLM_F_ACK, index, address, prefixLength, "delete");
    }

    private void address(int type, int flags, int index, InetAddress address, int prefixLength, String verb)
            throws NativeException {
        IpFamily f = IpFamily.of(address);
        int ifaFlags = f == IpFamily.IPV6 && type == RTM_NEWADDR ? Address.IFA_F_NODAD : 0;
        byte[] a = address.getAddress();
        socket.request(type, flags).u8(f.af()).u8(prefixLength).u8(ifaFlags).u8(RT_SCOPE_UNIVERSE).u32(index)
                .attr(IFA_LOCAL, a).attr(IFA_ADDRESS, a).attrU32(IFA_FLAGS, ifaFlags);
        socket.execute("rtnetlink " + verb + " address " + address.getHostAddress() + "/" + prefixLength + " dev #" + index);
    }

    /** @return the addresses of one family on every interface */
    public synchronized List<Address> addresses(IpFamily family) throws NativeException {
        List<Address> r = new ArrayList<>();
        socket.request(RTM_GETADDR, NetlinkMessage.NLM_F_DUMP).u8(family.af()).u8(0).u8(0).u8(0).u32(0);
        socket.dump("rtnetlink dump addresses " + family, m -> {
            int base = m.position();
            if (IpFamily.fromAf(m.get(base) & 0xff) != family) {
                return;
            }
            Map<Integer, ByteBuffer> a = NetlinkMessage.attributes(m, base + 8, m.limit());
            // IFA_LOCAL is the interface's own address (IFA_ADDRESS is the peer on point-to-point links).
            byte[] addr = NetlinkMessage.bytes(a, a.containsKey(IFA_LOCAL) ? IFA_LOCAL : IFA_ADDRESS);
            int flags = (int) NetlinkMessage.u32(a, IFA_FLAGS, m.get(base + 2) & 0xff);
            r.add(new Address(m.getInt(base + 4), inet(addr), m.get(base + 1) & 0xff, m.get(base + 3) & 0xff, flags));
        });
        return r;
    }

    // ---- routes ----

    /** Adds a route; EEXIST if the same route is already there, ENODEV for an unknown interface. */
    public synchronized void addRoute(Route route) throws NativeException {
        route(RTM_NEWROUTE, CREATE, route, "add");
    }

    /** Deletes a route; ESRCH if there is no such route. */
    public synchronized void deleteRoute(Route route) throws NativeException {
        route(RTM_DELROUTE, NetlinkMessage.NLM_F_ACK, route, "delete");
    }

    private void route(int type, int flags, Route r, String verb) throws NativeException {
        int scope = type == RTM_DELROUTE ? RT_SCOPE_NOWHERE
                : r.type() == Route.Type.UNICAST && r.outputInterface() != 0 ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
        NetlinkMessage m = socket.request(type, flags).u8(r.family().af()).u8(r.prefixLength()).u8(0).u8(0)
                .u8(r.table() < 256 ? r.table() : 0).u8(type == RTM_DELROUTE ? 0 : RTPROT_BOOT).u8(scope)
                .u8(r.type().value).u32(0)
                .attrU32(RTA_TABLE, r.table());
        if (r.destination() != null) {
            m.attr(RTA_DST, r.destination().getAddress());
        }
        if (r.outputInterface() != 0) {
            m.attrU32(RTA_OIF, r.outputInterface());
        }
        if (r.metric() != Route.KERNEL_DEFAULT_METRIC) {
            m.attrU32(RTA_PRIORITY, (int) r.metric());
        }
        socket.execute("rtnetlink " + verb + " route " + r.describe());
    }

    /** @return the routes of one family in table {@code table} (254 for main) */
    public synchronized List<Route> routes(IpFamily family, int table) throws NativeException {
        List<Route> r = new ArrayList<>();
        socket.request(RTM_GETROUTE, NetlinkMessage.NLM_F_DUMP).u8(family.af()).u8(0).u8(0).u8(0)
                .u8(0).u8(0).u8(0).u8(0).u32(0);
        socket.dump("rtnetlink dump routes " + family, m -> {
            int base = m.position();
            if (IpFamily.fromAf(m.get(base) & 0xff) != family) {
                return;
            }
            Map<Integer, ByteBuffer> a = NetlinkMessage.attributes(m, base + 12, m.limit());
            int t = (int) NetlinkMessage.u32(a, RTA_TABLE, m.get(base + 4) & 0xff);
            if (t != table) {
                return;
            }
            byte[] dst = NetlinkMessage.bytes(a, RTA_DST);
            r.add(new Route(family, t, Route.Type.of(m.get(base + 7) & 0xff), dst == null ? null : inet(dst),
                    m.get(base + 1) & 0xff, (int) NetlinkMessage.u32(a, RTA_OIF, 0), NetlinkMessage.u32(a, RTA_PRIORITY, 0)));
        });
        return r;
    }

    /**
     * Deletes every route of one family in {@code table} ({@code ip route flush table T}).
     *
     * @return how many routes were deleted
     */
    public synchronized int flushTable(IpFamily family, int table) throws NativeException {
        List<Route> routes = routes(family, table);
        for (Route route : routes) {
            deleteRoute(route);
        }
        return routes.size();
    }

    // ---- rules ----

    /** Adds a rule; EEXIST if an identical rule exists. */
    public synchronized void addRule(Rule rule) throws NativeException {
        rule(RTM_NEWRULE, CREATE, rule, "add");
    }

    /** Deletes the rule matching every field of {@code rule}; ENOENT if there is none. */
    public synchronized void deleteRule(Rule rule) throws NativeException {
        rule(RTM_DELRULE, NetlinkMessage.NLM_F_ACK, rule, "delete");
    }

    private void rule(int type, int flags, Rule r, String verb) throws NativeException {
        // struct fib_rule_hdr: family, dst_len, src_len, tos, table, res1, res2, action, flags
        NetlinkMessage m = socket.request(type, flags).u8(r.family().af())
                .u8(r.destination() == null ? 0 : r.destination().length())
                .u8(r.source() == null ? 0 : r.source().length()).u8(0)
                .u8(r.table() < 256 ? r.table() : 0).u8(0).u8(0).u8(FR_ACT_TO_TBL).u32(0)
                .attrU32(FRA_PRIORITY, r.priority()).attrU32(FRA_TABLE, r.table());
        if (r.destination() != null) {
            m.attr(FRA_DST, r.destination().address().getAddress());
        }
        if (r.source() != null) {
            m.attr(FRA_SRC, r.source().address().getAddress());
        }
        if (r.fwmask() != 0) {
            m.attrU32(FRA_FWMARK, r.fwmark()).attrU32(FRA_FWMASK, r.fwmask());
        }
        if (r.inputInterface() != null) {
            m.attrString(FRA_IIFNAME, r.inputInterface());
        }
        socket.execute("rtnetlink " + verb + " rule " + r.describe());
    }

    /** @return the {@code lookup TABLE} rules of one family (rules with other actions are left out) */
    public synchronized List<Rule> rules(IpFamily family) throws NativeException {
        List<Rule> r = new ArrayList<>();
        socket.request(RTM_GETRULE, NetlinkMessage.NLM_F_DUMP).u8(family.af()).u8(0).u8(0).u8(0)
                .u8(0).u8(0).u8(0).u8(0).u32(0);
        socket.dump("rtnetlink dump rules " + family, m -> {
            int base = m.position();
            if (IpFamily.fromAf(m.get(base) & 0xff) != family || (m.get(base + 7) & 0xff) != FR_ACT_TO_TBL) {
                return;
            }
            Map<Integer, ByteBuffer> a = NetlinkMessage.attributes(m, base + 12, m.limit());
            int table = (int) NetlinkMessage.u32(a, FRA_TABLE, m.get(base + 4) & 0xff);
            int mark = (int) NetlinkMessage.u32(a, FRA_FWMARK, 0);
            int mask = (int) NetlinkMessage.u32(a, FRA_FWMASK, a.containsKey(FRA_FWMARK) ? -1 : 0);
            if (mark == 0 && !a.containsKey(FRA_FWMARK)) {
                mask = 0;
            }
            byte[] dst = NetlinkMessage.bytes(a, FRA_DST);
            byte[] src = NetlinkMessage.bytes(a, FRA_SRC);
            r.add(new Rule(family, (int) NetlinkMessage.u32(a, FRA_PRIORITY, 0), table, mark, mask,
                    NetlinkMessage.string(a, FRA_IIFNAME),
                    src == null ? null : new Rule.Prefix(inet(src), m.get(base + 2) & 0xff),
                    dst == null ? null : new Rule.Prefix(inet(dst), m.get(base + 1) & 0xff)));
        });
        return r;
    }

    /** @return the priorities of every rule of one family, whatever its action */
    public synchronized java.util.Set<Integer> rulePriorities(IpFamily family) throws NativeException {
        java.util.Set<Integer> r = new java.util.TreeSet<>();
        socket.request(RTM_GETRULE, NetlinkMessage.NLM_F_DUMP).u8(family.af()).u8(0).u8(0).u8(0)
                .u8(0).u8(0).u8(0).u8(0).u32(0);
        socket.dump("rtnetlink dump rules " + family, m -> {
            int base = m.position();
            if (IpFamily.fromAf(m.get(base) & 0xff) == family) {
                r.add((int) NetlinkMessage.u32(NetlinkMessage.attributes(m, base + 12, m.limit()), FRA_PRIORITY, 0));
            }
        });
        return r;
    }

    private static InetAddress inet(byte[] a) {
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("kernel sent an address of " + a.length + " bytes", e);
        }
    }

    /** Closes the socket. */
    @Override
    public void close() throws NativeException {
        socket.close();
    }
}
