package io.calloutd.callouts.basicinjection;

import io.calloutd.callout.CalloutFactory;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutParams;
import io.calloutd.callout.CalloutServices;
import java.util.List;

/**
 * Type {@code basic-injection}: WFPSampler's BASIC_PACKET_INJECTION scenario (§7.5). Every packet the filters hand
 * it is cloned, the original blocked and absorbed, and the unchanged clone reinjected with the function that fits
 * the layer. Parameter {@code mode}: {@code inline} (default: inject from classify where allowed; TCP above the IP
 * packet layers is moved to a worker by the runtime, §4.6 P3) or {@code deferred} (always inject from a worker).
 * Attach it with CALLOUT_TERMINATING filters; see {@link BasicInjectionCallout} for the layers.
 */
public final class BasicInjectionFactory implements CalloutFactory {
    /** The configuration type name. */
    public static final String TYPE = "basic-injection";

    /** For the service loader. */
    public BasicInjectionFactory() { }

    @Override public String type() { return TYPE; }

    @Override public String description() {
        return "WFPSampler BASIC_PACKET_INJECTION: clone every packet, absorb the original, reinject the clone unchanged";
    }

    @Override
    public CalloutInstance create(CalloutParams params, CalloutServices services) {
        params.rejectUnknown(List.of("mode"));
        boolean deferred = params.choice("mode", "inline", "inline", "deferred").equals("deferred");
        return new BasicInjectionCallout(deferred, services.injector(), services.deferredWork());
    }
}
