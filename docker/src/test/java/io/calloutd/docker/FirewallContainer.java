package io.calloutd.docker;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Device;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;
import org.slf4j.LoggerFactory;

/**
 * The calloutd daemon container, attached to both lab networks before it starts, with what a gateway
 * needs: NET_ADMIN + NET_RAW, {@code /dev/net/tun}, and forwarding sysctls. Its entrypoint finds which
 * ethN holds which subnet and runs {@code calloutd run --gateway --inside IF --outside IF --stats-file F}.
 */
public final class FirewallContainer extends GenericContainer<FirewallContainer> {
    /** Where the daemon writes its JSON stats (every second and on exit). */
    public static final String STATS_FILE = "/run/calloutd-stats.json";
    private static final String ENTRYPOINT = "/usr/local/bin/calloutd-lab-gateway";

    private final LabNetworks networks;

    /** A firewall between {@code networks.inside()} and {@code networks.outside()}; not started yet. */
    public FirewallContainer(LabNetworks networks) {
        super(DockerImageName.parse(CalloutdImages.DAEMON));
        this.networks = networks;
        withNetwork(networks.inside());
        withEnv("CALLOUTD_INSIDE_PREFIX", networks.insidePrefix());
        withEnv("CALLOUTD_OUTSIDE_PREFIX", networks.outsidePrefix());
        withEnv("CALLOUTD_STATS_FILE", STATS_FILE);
        withCopyToContainer(MountableFile.forClasspathResource("io/calloutd/docker/gateway-entrypoint.sh", 0755), ENTRYPOINT);
        withLogConsumer(new Slf4jLogConsumer(LoggerFactory.getLogger("calloutd-daemon")));
        withCreateContainerCmdModifier(cmd -> {
            cmd.withEntrypoint(ENTRYPOINT);
            cmd.getHostConfig()
                    .withCapAdd(Capability.NET_ADMIN, Capability.NET_RAW)
                    .withDevices(Device.parse("/dev/net/tun"))
                    .withSysctls(Map.of(
                            "net.ipv4.ip_forward", "1",
                            "net.ipv6.conf.all.forwarding", "1",
                            // /proc/sys is read-only in the container: preset what the daemon would
                            // write (its TUNs inherit rp_filter from "default").
                            "net.ipv4.conf.all.rp_filter", "0",
                            "net.ipv4.conf.default.rp_filter", "0",
                            // Docker disables IPv6 in containers on IPv4-only networks; the daemon
                            // steers both families, so its TUNs need IPv6 enabled.
                            "net.ipv6.conf.all.disable_ipv6", "0",
                            "net.ipv6.conf.default.disable_ipv6", "0"));
        });
    }

    /** Where {@link #withPolicy} puts the policy file. */
    public static final String POLICY_FILE = "/etc/calloutd/policy.yaml";

    /**
     * Starts the daemon with {@code --config} and this policy (YAML); change it later with
     * {@link GatewayLab#applyPolicy}, which rewrites the file and sends SIGHUP.
     */
    public FirewallContainer withPolicy(String yaml) {
        withCopyToContainer(org.testcontainers.images.builder.Transferable.of(yaml), POLICY_FILE);
        return withEnv("CALLOUTD_CONFIG", POLICY_FILE);
    }

    /** Docker allows only one network at create time (API 1.41), so join the second before start. */
    @Override
    protected void containerIsCreated(String containerId) {
        super.containerIsCreated(containerId);
        getDockerClient().connectToNetworkCmd()
                .withContainerId(containerId)
                .withNetworkId(networks.outside().getId())
                .exec();
    }
}
