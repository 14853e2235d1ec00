package io.calloutd.callouts.ddproxy;

import io.calloutd.callout.CalloutFactory;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutParams;
import io.calloutd.callout.CalloutServices;

/**
 * Type {@code ddproxy}: the WDK ddproxy sample (§7.2), a transparent UDP or ICMP-echo destination proxy built by
 * out-of-band modification. Parameters: see {@link DdProxyConfig}.
 *
 * <pre>{@code
 * callouts:
 *   - {id: dd, type: ddproxy, params: {destinationAddressToIntercept: 198.18.2.100, destinationPortToIntercept: 5001,
 *                                       newDestinationAddress: 198.18.2.2, newDestinationPort: 6001}}
 * filters:
 *   - {id: dd-flow, layer: ALE_FLOW_ESTABLISHED_V4, action: CALLOUT_TERMINATING, callout: dd, conditions: [...]}
 *   - {id: dd-data, layer: DATAGRAM_DATA_V4, action: CALLOUT_TERMINATING, callout: dd, conditions: [...]}
 * }</pre>
 */
public final class DdProxyFactory implements CalloutFactory {
    @Override
    public String type() {
        return "ddproxy";
    }

    @Override
    public String description() {
        return "transparent UDP/ICMP-echo destination proxy A:Pa -> B:Pb by out-of-band modification (WDK ddproxy)";
    }

    @Override
    public CalloutInstance create(CalloutParams params, CalloutServices services) {
        return new DdProxy(DdProxyConfig.parse(params), services);
    }
}
