package io.calloutd.lab;

import io.calloutd.nativebridge.IpCommand;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The three-namespace lab of the mission (client — firewall — server), created with unique names so parallel
 * or leftover runs never collide, and removed by {@link #close()} (deleting a namespace deletes its veths).
 * <pre>
 *  client: eth0 198.18.1.2/24 fd00:1::2/64 ── firewall: veth-c 198.18.1.1/24 fd00:1::1/64
 *                                             firewall: veth-s 198.18.2.1/24 fd00:2::1/64 ── server: eth0 198.18.2.2/24 fd00:2::2/64
 * </pre>
 * Nothing here touches the root namespace: every link is created from inside a lab namespace.
 */
public final class LabTopology implements AutoCloseable {
    /** Firewall interface facing the client. */
    public static final String FW_INSIDE = "veth-c";
    /** Firewall interface facing the server. */
    public static final String FW_OUTSIDE = "veth-s";
    public static final String CLIENT_V4 = "198.18.1.2";
    public static final String CLIENT_V6 = "fd00:1::2";
    public static final String SERVER_V4 = "198.18.2.2";
    public static final String SERVER_V6 = "fd00:2::2";
    public static final String FW_INSIDE_V4 = "198.18.1.1";
    public static final String FW_INSIDE_V6 = "fd00:1::1";
    public static final String FW_OUTSIDE_V4 = "198.18.2.1";
    public static final String FW_OUTSIDE_V6 = "fd00:2::1";

    private final String client;
    private final String firewall;
    private final String server;
    private final List<String> created = new ArrayList<>();

    private LabTopology(String suffix) {
        this.client = "cd-client-" + suffix;
        this.firewall = "cd-fw-" + suffix;
        this.server = "cd-server-" + suffix;
    }

    /**
     * Builds the lab with MTU 1500 on both sides.
     *
     * @throws IOException naming the failed step; whatever was created is removed again
     */
    public static LabTopology create() throws IOException {
        return create(1500, 1500);
    }

    /**
     * Builds the lab.
     *
     * @param clientSideMtu MTU of the client—firewall link
     * @param serverSideMtu MTU of the firewall—server link
     */
    public static LabTopology create(int clientSideMtu, int serverSideMtu) throws IOException {
        byte[] r = new byte[3];
        new SecureRandom().nextBytes(r);
        LabTopology lab = new LabTopology(String.format("%02x%02x%02x", r[0], r[1], r[2]));
        try {
            lab.build(clientSideMtu, serverSideMtu);
            return lab;
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private void build(int clientSideMtu, int serverSideMtu) throws IOException {
        for (String ns : List.of(client, firewall, server)) {
            IpCommand.run("netns", "add", ns);
            created.add(ns);
            ip(ns, "link", "set", "lo", "up");
        }
        ip(firewall, "link", "add", FW_INSIDE, "mtu", Integer.toString(clientSideMtu), "type", "veth",
                "peer", "name", "eth0", "mtu", Integer.toString(clientSideMtu), "netns", client);
        ip(firewall, "link", "add", FW_OUTSIDE, "mtu", Integer.toString(serverSideMtu), "type", "veth",
                "peer", "name", "eth0", "mtu", Integer.toString(serverSideMtu), "netns", server);

        address(client, "eth0", CLIENT_V4, CLIENT_V6);
        address(firewall, FW_INSIDE, FW_INSIDE_V4, FW_INSIDE_V6);
        address(firewall, FW_OUTSIDE, FW_OUTSIDE_V4, FW_OUTSIDE_V6);
        address(server, "eth0", SERVER_V4, SERVER_V6);
        ip(client, "route", "add", "default", "via", FW_INSIDE_V4);
        ip(client, "-6", "route", "add", "default", "via", FW_INSIDE_V6);
        ip(server, "route", "add", "default", "via", FW_OUTSIDE_V4);
        ip(server, "-6", "route", "add", "default", "via", FW_OUTSIDE_V6);
    }

    private static void address(String ns, String dev, String v4, String v6) throws IOException {
        ip(ns, "addr", "add", v4 + "/24", "dev", dev);
        ip(ns, "-6", "addr", "add", v6 + "/64", "dev", dev, "nodad");
        ip(ns, "link", "set", dev, "up");
    }

    private static String ip(String ns, String... args) throws IOException {
        String[] full = new String[args.length + 2];
        full[0] = "-n";
        full[1] = ns;
        System.arraycopy(args, 0, full, 2, args.length);
        return IpCommand.run(full);
    }

    /** Runs an {@code ip} command in one of the lab namespaces. */
    public String ipIn(String ns, String... args) throws IOException {
        return ip(ns, args);
    }

    /** @return the client namespace name */
    public String client() {
        return client;
    }

    /** @return the firewall namespace name */
    public String firewall() {
        return firewall;
    }

    /** @return the server namespace name */
    public String server() {
        return server;
    }

    /** @return the namespaces this lab created (and will delete) */
    public List<String> namespaces() {
        return List.copyOf(created);
    }

    /** Deletes the namespaces (and with them their links, addresses, routes and rules). */
    @Override
    public void close() {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                IpCommand.run("netns", "del", created.get(i));
            } catch (IOException e) {
                System.err.println("lab: cannot delete namespace " + created.get(i) + ": " + e.getMessage());
            }
        }
        created.clear();
    }
}
