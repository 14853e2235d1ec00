package io.calloutd.callouts.stealth;

import io.calloutd.callout.CalloutInstance;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.DiscardReason;
import io.calloutd.engine.Filter;
import io.calloutd.engine.IncomingValues;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Stealth mode, like WFP's built-in silent-drop callouts (§1.7): the packet path indicates a SYN to a closed port at
 * INBOUND_TRANSPORT_DISCARD (reason TRANSPORT_ENDPOINT_NOT_FOUND) and a datagram refused with ICMP port unreachable
 * at INBOUND_IPPACKET_DISCARD (reason IP_PORT_UNREACHABLE) when the protected host's answer crosses the gateway;
 * BLOCKing that indication suppresses the RST / ICMP error (checks 53, 54), so closed ports look filtered. Other
 * discard reasons, and the kinds switched off, are PERMITted (so a TERMINATING filter does not turn them into a block).
 */
public final class StealthCallout implements CalloutInstance {
    private final boolean tcp, udp;
    private final LongAdder resets = new LongAdder(), unreachables = new LongAdder(), other = new LongAdder();

    /**
     * @param tcp suppress TCP resets from closed ports
     * @param udp suppress ICMP port-unreachable errors
     */
    public StealthCallout(boolean tcp, boolean udp) {
        this.tcp = tcp;
        this.udp = udp;
    }

    @Override
    public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
        if (!out.hasWriteRight()) return;
        DiscardReason r = ctx.discardReason();
        if (r == DiscardReason.TRANSPORT_ENDPOINT_NOT_FOUND && tcp) {
            resets.increment();
            out.block();
        } else if (r == DiscardReason.IP_PORT_UNREACHABLE && udp) {
            unreachables.increment();
            out.block();
        } else {
            other.increment();
            out.permit();
        }
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tcp", tcp);
        m.put("udp", udp);
        m.put("resetsSuppressed", resets.sum());
        m.put("icmpUnreachableSuppressed", unreachables.sum());
        m.put("otherIndications", other.sum());
        return m;
    }
}
