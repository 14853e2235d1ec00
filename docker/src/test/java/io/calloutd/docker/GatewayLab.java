package io.calloutd.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ContainerNetwork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * Client (inside network) → calloutd firewall container → server (outside network), all from the
 * locally built images. Client and server route the other subnet via the firewall's address.
 * Closing removes the containers and the networks (Ryuk is disabled here).
 */
public final class GatewayLab implements AutoCloseable {
    private final LabNetworks networks;
    private final FirewallContainer firewall;
    private final GenericContainer<?> client;
    private final GenericContainer<?> server;
    private DaemonStats readyStats;

    private GatewayLab(LabNetworks networks, FirewallContainer firewall, GenericContainer<?> client,
                       GenericContainer<?> server) {
        this.networks = networks;
        this.firewall = firewall;
        this.client = client;
        this.server = server;
    }

    /** Builds/reuses the images, creates the networks and starts all three containers. */
    public static GatewayLab start() throws IOException, InterruptedException {
        return start(null);
    }

    /**
     * As {@link #start()}, the daemon running with {@code policyYaml} as its policy file (null: no {@code --config}).
     * Container addresses are only known once the lab runs: start with a policy that needs none, then
     * {@link #applyPolicy} the real one.
     */
    public static GatewayLab start(String policyYaml) throws IOException, InterruptedException {
        CalloutdImages.ensureBuilt();
        LabNetworks networks = LabNetworks.create();
        FirewallContainer firewall = new FirewallContainer(networks);
        if (policyYaml != null) {
            firewall.withPolicy(policyYaml);
        }
        GenericContainer<?> client = peer(networks.inside());
        GenericContainer<?> server = peer(networks.outside());
        GatewayLab lab = new GatewayLab(networks, firewall, client, server);
        try {
            // In parallel: the daemon's JVM start dominates, the peers are ready meanwhile.
            Startables.deepStart(firewall, client, server).join();
            lab.readyStats = lab.awaitStats(Duration.ofSeconds(30));
            sh(client, "ip route add " + networks.outsideSubnet() + " via " + lab.firewallAddress(networks.inside()));
            sh(server, "ip route add " + networks.insideSubnet() + " via " + lab.firewallAddress(networks.outside()));
            return lab;
        } catch (RuntimeException | Error | IOException | InterruptedException e) {
            lab.close();
            throw e;
        }
    }

    private static GenericContainer<?> peer(Network network) {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(CalloutdImages.PEER));
        return c.withNetwork(network)
                .withCommand("sleep", "infinity")
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withCapAdd(Capability.NET_ADMIN));
    }

    /**
     * Replaces the daemon's policy file with {@code yaml} and reloads it (SIGHUP); returns when the daemon logged
     * that it applied it, and fails with the daemon's message when it rejected it.
     */
    public void applyPolicy(String yaml) throws InterruptedException {
        int applied = count(firewall.getLogs(), "SIGHUP: applied");
        int rejected = count(firewall.getLogs(), "SIGHUP reload rejected");
        firewall.copyFileToContainer(org.testcontainers.images.builder.Transferable.of(yaml), FirewallContainer.POLICY_FILE);
        firewall.getDockerClient().killContainerCmd(firewall.getContainerId()).withSignal("HUP").exec();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            String logs = firewall.getLogs();
            if (count(logs, "SIGHUP: applied") > applied) {
                return;
            }
            if (count(logs, "SIGHUP reload rejected") > rejected) {
                throw new IllegalStateException("policy rejected: " + logs.substring(logs.lastIndexOf("SIGHUP reload rejected")));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("daemon did not report the reload within 20 s");
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /** The daemon's first stats that said {@code ready}. */
    public DaemonStats readyStats() {
        return readyStats;
    }

    /** The inside host. */
    public GenericContainer<?> client() {
        return client;
    }

    /** The outside host. */
    public GenericContainer<?> server() {
        return server;
    }

    /** The daemon container. */
    public FirewallContainer firewall() {
        return firewall;
    }

    /** The lab's networks and subnets. */
    public LabNetworks networks() {
        return networks;
    }

    /** IPv4 address of {@code c} on {@code network}, from Docker's inspect data. */
    public static String address(GenericContainer<?> c, Network network) {
        InspectContainerResponse info = c.getDockerClient().inspectContainerCmd(c.getContainerId()).exec();
        for (ContainerNetwork n : info.getNetworkSettings().getNetworks().values()) {
            if (network.getId().equals(n.getNetworkID()) && n.getIpAddress() != null && !n.getIpAddress().isEmpty()) {
                return n.getIpAddress();
            }
        }
        throw new IllegalStateException(c.getContainerId() + " has no address on network " + network.getId()
                + " (running: " + Boolean.TRUE.equals(info.getState().getRunning()) + ")");
    }

    /** The firewall's address on one side. */
    public String firewallAddress(Network network) {
        return address(firewall, network);
    }

    /** Runs {@code sh -c command} in {@code c}; a non-zero exit fails with the command's output. */
    public static String sh(GenericContainer<?> c, String command) {
        try {
            ExecResult r = c.execInContainer(StandardCharsets.UTF_8, "sh", "-c", command);
            if (r.getExitCode() != 0) {
                throw new AssertionError("`" + command + "` exited " + r.getExitCode() + "\nstdout: " + r.getStdout()
                        + "\nstderr: " + r.getStderr());
            }
            return r.getStdout();
        } catch (IOException e) {
            throw new IllegalStateException("exec failed: " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + command, e);
        }
    }

    /** IPv4 datagrams the host has sent ({@code Ip: OutRequests} from /proc/net/snmp). */
    public static long ipv4OutRequests(GenericContainer<?> c) {
        String out = sh(c, "awk '/^Ip:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == \"OutRequests\") col = i; h = 1 }"
                + " else print $col }' /proc/net/snmp");
        return Long.parseLong(out.trim());
    }

    /**
     * Current stats while the daemon runs, waiting up to {@code timeout} for the first file
     * that says {@code ready} (the daemon's readiness signal: routing installed).
     */
    public DaemonStats awaitStats(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!firewall.isRunning()) {
                throw new IllegalStateException("daemon container exited:\n" + firewall.getLogs());
            }
            ExecResult r = firewall.execInContainer("cat", FirewallContainer.STATS_FILE);
            if (r.getExitCode() == 0 && !r.getStdout().isBlank()) {
                try {
                    DaemonStats s = DaemonStats.parse(r.getStdout());
                    if (s.ready()) {
                        return s;
                    }
                } catch (IOException partial) {
                    // The file may be caught mid-rewrite; retry until the deadline.
                    if (System.nanoTime() > deadline) {
                        throw partial;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no ready stats in " + FirewallContainer.STATS_FILE + " after " + timeout
                        + "\n" + firewall.getLogs());
            }
            Thread.sleep(200);
        }
    }

    /** How the daemon ended after SIGTERM, and its final stats. */
    public record Stopped(long exitCode, boolean oomKilled, Duration took, DaemonStats finalStats) {}

    /**
     * Sends SIGTERM ({@code docker stop}, SIGKILL after {@code grace}), then reads the stats file the
     * daemon wrote on exit from the stopped container.
     */
    public Stopped stopDaemon(Duration grace) throws IOException {
        long t0 = System.nanoTime();
        firewall.getDockerClient().stopContainerCmd(firewall.getContainerId()).withTimeout((int) grace.toSeconds()).exec();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        InspectContainerResponse.ContainerState state =
                firewall.getDockerClient().inspectContainerCmd(firewall.getContainerId()).exec().getState();
        String json = firewall.copyFileFromContainer(FirewallContainer.STATS_FILE,
                in -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
        return new Stopped(state.getExitCodeLong(), Boolean.TRUE.equals(state.getOOMKilled()), took,
                DaemonStats.parse(json));
    }

    @Override
    public void close() {
        try {
            closeQuietly(client);
            closeQuietly(server);
            closeQuietly(firewall);
        } finally {
            networks.close();
        }
    }

    private static void closeQuietly(GenericContainer<?> c) {
        try {
            c.stop();
        } catch (RuntimeException e) {
            System.err.println("cleanup of " + c.getContainerId() + " failed: " + e);
        }
    }
}
