package io.calloutd.callout;

/**
 * The data path's side of injection, implemented by the pipeline. The runtime hands over validated, tagged packets;
 * the target re-classifies them from the re-entry point of their type (§4.5; none for FORWARD) and hands them to
 * the kernel (TUN write for the receive path, marked raw socket for the send path).
 */
public interface InjectionTarget {
    /**
     * Starts one injection. Never blocks.
     *
     * @return {@link CalloutStatus#SUCCESS} if the target took the packet: it must then call
     *         {@link InjectedPacket#complete} exactly once, now or later, from any thread. Any other status is a
     *         synchronous failure: the target must not complete it; the runtime releases the data and the callout's
     *         completion routine does not run (or, for deferred injections, runs with this status).
     */
    CalloutStatus inject(InjectedPacket packet);
}
