package io.calloutd.pipeline;

import io.calloutd.packet.ParsedPacket;

/**
 * Decides the fate of a well-formed packet. Runs on the packet thread: it must not block, allocate per
 * packet or take locks (the DISPATCH_LEVEL rule). The filter engine plugs in here.
 */
@FunctionalInterface
public interface VerdictHook {
    /** The foundation's policy: every well-formed packet is permitted. */
    VerdictHook PERMIT_ALL = (packet, direction) -> Verdict.PERMIT;

    /**
     * @param packet    the parsed packet; valid only during this call
     * @param direction which side the packet came from
     * @return the verdict
     */
    Verdict decide(ParsedPacket packet, Direction direction);
}
