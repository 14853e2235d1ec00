package io.calloutd.docker;

import com.github.dockerjava.api.model.Network.Ipam;
import java.util.concurrent.ThreadLocalRandom;
import org.testcontainers.containers.Network;

/**
 * The two Docker networks of the gateway lab, with explicit subnets inside 198.18.0.0/15 so no test
 * touches other ranges. The pair is picked at random (198.18.n.0/24 inside, 198.18.n+1.0/24 outside,
 * n even in 64..250) so concurrent or leftover runs do not collide; an overlap is retried.
 */
public final class LabNetworks implements AutoCloseable {
    private static final int ATTEMPTS = 8;

    private final Network inside;
    private final Network outside;
    private final int thirdOctet;

    private LabNetworks(Network inside, Network outside, int thirdOctet) {
        this.inside = inside;
        this.outside = outside;
        this.thirdOctet = thirdOctet;
    }

    /** Creates both networks now (Testcontainers would otherwise create them lazily). */
    public static LabNetworks create() {
        RuntimeException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int n = 64 + 2 * ThreadLocalRandom.current().nextInt(94);
            Network in = subnet("198.18." + n + ".0/24");
            try {
                in.getId();
            } catch (RuntimeException e) {
                last = e;
                in.close();
                continue;
            }
            Network out = subnet("198.18." + (n + 1) + ".0/24");
            try {
                out.getId();
                return new LabNetworks(in, out, n);
            } catch (RuntimeException e) {
                last = e;
                out.close();
                in.close();
            }
        }
        throw new IllegalStateException("could not create lab networks in 198.18.0.0/15", last);
    }

    private static Network subnet(String cidr) {
        // No masquerading: with br_netfilter the host NATs *bridged* packets whose source is another Docker subnet
        // when conntrack first sees their tuple on this bridge, i.e. exactly the flows the firewall redirects.
        return Network.builder()
                .createNetworkCmdModifier(cmd -> cmd.withIpam(new Ipam().withConfig(new Ipam.Config().withSubnet(cidr)))
                        .withOptions(java.util.Map.of("com.docker.network.bridge.enable_ip_masquerade", "false")))
                .build();
    }

    /** Client side. */
    public Network inside() {
        return inside;
    }

    /** Server side. */
    public Network outside() {
        return outside;
    }

    /** For example {@code 198.18.64.0/24}. */
    public String insideSubnet() {
        return "198.18." + thirdOctet + ".0/24";
    }

    /** For example {@code 198.18.65.0/24}. */
    public String outsideSubnet() {
        return "198.18." + (thirdOctet + 1) + ".0/24";
    }

    /** Address prefix of the inside subnet, for example {@code 198.18.64.}. */
    public String insidePrefix() {
        return "198.18." + thirdOctet + ".";
    }

    /** Address prefix of the outside subnet, for example {@code 198.18.65.}. */
    public String outsidePrefix() {
        return "198.18." + (thirdOctet + 1) + ".";
    }

    @Override
    public void close() {
        try {
            outside.close();
        } finally {
            inside.close();
        }
    }
}
