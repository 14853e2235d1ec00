package io.calloutd.callouts.ddproxy;

import io.calloutd.callout.CalloutParams;
import java.net.InetAddress;
import java.util.List;

/**
 * The ddproxy sample's registry values (§7.2) as checked callout parameters:
 * {@code inspectUdp} (true: UDP, default; false: non-error ICMP echo), {@code destinationAddressToIntercept} (A),
 * {@code destinationPortToIntercept} (Pa, default 5001), {@code newDestinationAddress} (B),
 * {@code newDestinationPort} (Pb, default 5001). Both addresses are required and of one family; in UDP mode
 * (A, Pa) must differ from (B, Pb) (the sample refuses to start otherwise).
 *
 * @param udp  UDP mode (else ICMP echo)
 * @param a    address to intercept
 * @param pa   port to intercept (UDP)
 * @param b    new destination address
 * @param pb   new destination port (UDP)
 */
public record DdProxyConfig(boolean udp, InetAddress a, int pa, InetAddress b, int pb) {
    static final List<String> PARAMS = List.of("inspectUdp", "destinationAddressToIntercept",
            "destinationPortToIntercept", "newDestinationAddress", "newDestinationPort");

    /** Parses and checks {@code p}; errors name the parameter. */
    public static DdProxyConfig parse(CalloutParams p) {
        p.rejectUnknown(PARAMS);
        boolean udp = p.bool("inspectUdp", true);
        InetAddress a = p.address("destinationAddressToIntercept");
        InetAddress b = p.address("newDestinationAddress");
        int pa = (int) p.integer("destinationPortToIntercept", 1, 65535, 5001);
        int pb = (int) p.integer("newDestinationPort", 1, 65535, 5001);
        if (a.getAddress().length != b.getAddress().length) {
            throw new IllegalArgumentException("newDestinationAddress: " + b.getHostAddress()
                    + " is not of the same address family as destinationAddressToIntercept " + a.getHostAddress());
        }
        if (a.equals(b) && (!udp || pa == pb)) {
            throw new IllegalArgumentException("newDestinationAddress: proxying " + a.getHostAddress()
                    + (udp ? ":" + pa : "") + " to itself would loop");
        }
        return new DdProxyConfig(udp, a, pa, b, pb);
    }

    /** 4 or 6. */
    public int version() {
        return a.getAddress().length == 4 ? 4 : 6;
    }
}
