package io.calloutd.callouts.inspect;

import io.calloutd.callout.CalloutFactory;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutParams;
import io.calloutd.callout.CalloutServices;
import io.calloutd.callouts.support.RemoteAddress;
import java.util.List;

/**
 * Type {@code inspect}: out-of-band inspection of the traffic to and from one remote address, after the WDK
 * {@code inspect} sample (wfp-semantics §7.1). Parameters:
 * <ul>
 *   <li>{@code remoteAddress} (required): the IPv4 or IPv6 address whose connections and packets are inspected;</li>
 *   <li>{@code blockTraffic} (0/1 or false/true, default 0): 1 makes connects to it fail and silently drops what it
 *       sends.</li>
 * </ul>
 * Attach it with CALLOUT_TERMINATING filters at ALE_AUTH_CONNECT, ALE_AUTH_RECV_ACCEPT, OUTBOUND_TRANSPORT and
 * INBOUND_TRANSPORT (V4 or V6 to match the address), conditioned on {@code IP_REMOTE_ADDRESS}; see {@link InspectCallout}.
 */
public final class InspectFactory implements CalloutFactory {
    /** The configuration type name. */
    public static final String TYPE = "inspect";

    /** For the service loader. */
    public InspectFactory() { }

    @Override public String type() { return TYPE; }

    @Override public String description() {
        return "out-of-band inspection of connections and packets to/from remoteAddress (clone, absorb, reinject on a worker); blockTraffic=1 blocks them";
    }

    @Override
    public CalloutInstance create(CalloutParams params, CalloutServices services) {
        params.rejectUnknown(List.of("remoteAddress", "blockTraffic"));
        RemoteAddress remote = new RemoteAddress(params.address("remoteAddress"));
        boolean block = params.bool("blockTraffic", false);
        return new InspectCallout(remote, block, services.injector(), services.deferredWork());
    }
}
