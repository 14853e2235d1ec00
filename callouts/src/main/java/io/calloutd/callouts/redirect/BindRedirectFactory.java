package io.calloutd.callouts.redirect;

import io.calloutd.callout.CalloutFactory;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutParams;
import io.calloutd.callout.CalloutServices;
import java.net.InetAddress;
import java.util.List;

/**
 * Type {@code bind-redirect}: WFPSampler's PROXY (socket) scenario at ALE_BIND_REDIRECT. Parameters:
 * {@code localAddress} and {@code localPort} (optional, any if absent) and {@code protocol} select the protected
 * host's flows; {@code newLocalAddress} (required) and {@code newLocalPort} (optional: keep the port) are the new
 * local endpoint. See {@link BindRedirect}.
 */
public final class BindRedirectFactory implements CalloutFactory {
    static final List<String> PARAMS = List.of("localAddress", "localPort", "protocol", "newLocalAddress", "newLocalPort");

    @Override
    public String type() {
        return "bind-redirect";
    }

    @Override
    public String description() {
        return "rewrites the local address/port of matching flows for their whole life (WFPSampler PROXY socket)";
    }

    @Override
    public CalloutInstance create(CalloutParams p, CalloutServices services) {
        p.rejectUnknown(PARAMS);
        Match match = Match.parse(p, "localAddress", "localPort");
        InetAddress to = p.address("newLocalAddress");
        if (match.address() != null && to.getAddress().length != match.address().getAddress().length) {
            throw new IllegalArgumentException("newLocalAddress: " + to.getHostAddress()
                    + " is not of the same address family as localAddress " + match.address().getHostAddress());
        }
        int port = p.has("newLocalPort") ? p.port("newLocalPort") : 0;
        return new BindRedirect(match, to, port);
    }
}
