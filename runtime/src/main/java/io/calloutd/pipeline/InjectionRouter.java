package io.calloutd.pipeline;

import io.calloutd.callout.CalloutStatus;
import io.calloutd.callout.InjectedPacket;
import io.calloutd.callout.InjectionTarget;
import java.util.Arrays;

/**
 * The callout runtime's one {@link InjectionTarget} in front of several packet threads: an injection goes to the
 * pipeline its original packet came from ({@link InjectedPacket#origin()}), whose flow table knows the flow, and
 * otherwise to the first pipeline. Lock-free on the injection path.
 */
public final class InjectionRouter implements InjectionTarget {
    private volatile PacketPipeline[] pipelines = new PacketPipeline[0];

    /** Adds a pipeline (at start-up). */
    public synchronized void add(PacketPipeline p) {
        PacketPipeline[] next = Arrays.copyOf(pipelines, pipelines.length + 1);
        next[next.length - 1] = p;
        pipelines = next;
    }

    @Override
    public CalloutStatus inject(InjectedPacket p) {
        if (p.origin() instanceof PacketPipeline origin) {
            return origin.inject(p);
        }
        PacketPipeline[] ps = pipelines;
        return ps.length == 0 ? CalloutStatus.TCPIP_NOT_READY : ps[0].inject(p);
    }
}
