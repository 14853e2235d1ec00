package io.calloutd.callouts.stealth;

import io.calloutd.callout.CalloutFactory;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutParams;
import io.calloutd.callout.CalloutServices;
import java.util.List;

/**
 * Type {@code stealth}: suppress the closed-port answers. Parameters {@code tcp} (default true: no RST for a SYN to a
 * closed port) and {@code udp} (default true: no ICMP port unreachable). Attach with CALLOUT_TERMINATING filters at
 * INBOUND_TRANSPORT_V4_DISCARD and INBOUND_IPPACKET_V4_DISCARD (and the V6 twins).
 */
public final class StealthFactory implements CalloutFactory {
    /** The configuration type name. */
    public static final String TYPE = "stealth";

    /** For the service loader. */
    public StealthFactory() { }

    @Override public String type() { return TYPE; }

    @Override public String description() {
        return "stealth: block at the discard layers so closed ports send no RST / ICMP port unreachable";
    }

    @Override
    public CalloutInstance create(CalloutParams params, CalloutServices services) {
        params.rejectUnknown(List.of("tcp", "udp"));
        boolean tcp = params.bool("tcp", true), udp = params.bool("udp", true);
        if (!tcp && !udp) throw new IllegalArgumentException("tcp: tcp and udp are both false: the callout would do nothing");
        return new StealthCallout(tcp, udp);
    }
}
