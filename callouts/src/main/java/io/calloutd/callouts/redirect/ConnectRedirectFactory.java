package io.calloutd.callouts.redirect;

import io.calloutd.callout.CalloutFactory;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutParams;
import io.calloutd.callout.CalloutServices;
import java.net.InetAddress;
import java.util.List;

/**
 * Type {@code connect-redirect}: WFPSampler's PROXY (connection, by redirect) scenario at ALE_CONNECT_REDIRECT.
 * Parameters: {@code remoteAddress} (required) and {@code remotePort} (optional, any if absent) select the
 * connections; {@code protocol} (any, tcp, udp, icmp; default any); {@code proxyAddress} (required) and
 * {@code proxyPort} (optional: keep the port) say where they go; {@code targetId} (optional, default 0) stands in for
 * localRedirectTargetPID. See {@link ConnectRedirect}.
 */
public final class ConnectRedirectFactory implements CalloutFactory {
    static final List<String> PARAMS = List.of("remoteAddress", "remotePort", "protocol", "proxyAddress", "proxyPort",
            "targetId");

    @Override
    public String type() {
        return "connect-redirect";
    }

    @Override
    public String description() {
        return "redirects connections to remoteAddress[:remotePort] to proxyAddress[:proxyPort] for the flow's life "
                + "(WFPSampler PROXY by redirect); the proxy's own connections are never redirected";
    }

    @Override
    public CalloutInstance create(CalloutParams p, CalloutServices services) {
        p.rejectUnknown(PARAMS);
        if (!p.has("remoteAddress")) {
            p.address("remoteAddress"); // throws naming the parameter
        }
        Match match = Match.parse(p, "remoteAddress", "remotePort");
        InetAddress proxy = p.address("proxyAddress");
        if (proxy.getAddress().length != match.address().getAddress().length) {
            throw new IllegalArgumentException("proxyAddress: " + proxy.getHostAddress()
                    + " is not of the same address family as remoteAddress " + match.address().getHostAddress());
        }
        int proxyPort = p.has("proxyPort") ? p.port("proxyPort") : 0;
        if (proxy.equals(match.address()) && (proxyPort == 0 || proxyPort == match.port())) {
            throw new IllegalArgumentException("proxyAddress: redirecting " + proxy.getHostAddress() + " to itself would loop");
        }
        long targetId = p.integer("targetId", 0, 0xFFFF_FFFFL, 0);
        return new ConnectRedirect(match, proxy, proxyPort, targetId);
    }
}
