package io.calloutd.lab;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * IPv6 link-local traffic stays on its link: pings to the all-nodes multicast group and to the firewall's link-local
 * address from the client never reach the daemon's TUN (its packet count does not move), while global IPv6
 * traffic to the server still goes through it.
 */
class LinkLocalLabIT {
    @Test
    void linkLocalAndMulticastAreNotSteeredIntoTheTun() throws Exception {
        try (LabTopology lab = LabTopology.create();
             DaemonProcess daemon = DaemonProcess.startGateway(lab, LabOps.JAR)) {
            Thread.sleep(1_000); // DAD, MLD reports and router solicitations of the fresh links happen now
            long before = daemon.stats().packetsIn();
            assertThat(Traffic.ping(lab.client(), "ff02::1%eth0", 3, 56)).as("all-nodes multicast answered").isPositive();
            String fwLinkLocal = lab.ipIn(lab.firewall(), "-6", "-o", "addr", "show", "dev", LabTopology.FW_INSIDE, "scope", "link")
                    .replaceAll("(?s).*inet6 (fe80::[0-9a-f:]+)/64.*", "$1");
            assertThat(fwLinkLocal).startsWith("fe80::");
            assertThat(Traffic.ping(lab.client(), fwLinkLocal + "%eth0", 3, 56)).isEqualTo(3);
            Thread.sleep(600); // a stats period
            assertThat(daemon.stats().packetsIn()).as("no link-local packet reached the TUN").isEqualTo(before);

            assertThat(Traffic.ping(lab.client(), LabTopology.SERVER_V6, 3, 56)).isEqualTo(3);
            Thread.sleep(600);
            assertThat(daemon.stats().packetsIn()).as("global IPv6 still goes through the daemon").isGreaterThanOrEqualTo(before + 6);
            assertThat(daemon.stop()).isZero();
        }
    }
}
