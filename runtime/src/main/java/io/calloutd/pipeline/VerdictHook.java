package io.calloutd.pipeline;

import io.calloutd.engine.Verdict;
import io.calloutd.callout.InjectionTag;
import io.calloutd.callout.InjectionType;
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

    /**
     * Decides a datagram the runtime reassembled from fragments (each fragment went through
     * {@link #decideFragment} first). Default: the same as {@link #decide}.
     */
    default Verdict decideReassembled(ParsedPacket datagram, Direction direction) {
        return decide(datagram, direction);
    }

    /**
     * Decides one fragment before it is held for reassembly; a BLOCK drops the fragment (and so its datagram).
     * Network-layer information only: a fragment has no transport header beyond the first. Default: PERMIT.
     */
    default Verdict decideFragment(ParsedPacket fragment, Direction direction) {
        return Verdict.PERMIT;
    }

    /**
     * Decides a packet a callout injected (never a forward injection: those are not classified again), re-entering
     * at the point its injection type defines (§4.5). The hook shows {@code tag} to callouts so that they recognise
     * their own packets (§4.3). Default: the same as {@link #decide}.
     *
     * @param packet    the parsed injected packet; valid only during this call
     * @param direction OUTBOUND for send injections, INBOUND for receive injections
     * @param tag       the injection tag
     * @param type      the injection function used
     */
    default Verdict decideInjected(ParsedPacket packet, Direction direction, InjectionTag tag, InjectionType type) {
        return decide(packet, direction);
    }

    /**
     * Decides a packet the hook held while its classification was pended and handed back through a
     * {@link PacketResumer} with {@code token} (§5): the hook resumes its walk where the pend stopped it. Default: the
     * same as {@link #decide}.
     */
    default Verdict decideResumed(ParsedPacket packet, Direction direction, Object token) {
        return decide(packet, direction);
    }

    /**
     * Asked once per GSO super-frame (a TCP or UDP packet larger than the MTU that the kernel will cut into
     * segments of equal payload size) before it is classified. By default the super-frame is decided once, by
     * its headers, and passed back whole. A hook that needs per-packet data (sequence numbers, payload offsets
     * of each wire packet) returns true: the frame is then segmented in software and each segment is decided on
     * its own. Same rules as {@link #decide}: no blocking, no allocation.
     *
     * @param superFrame the parsed super-frame; its transport checksum is partial (pseudo-header sum only)
     * @param direction  which side it came from
     * @return true to have the frame segmented first
     */
    default boolean needsSegments(ParsedPacket superFrame, Direction direction) {
        return false;
    }

    /**
     * True if packets must reach the hook with complete transport checksums: callouts rewrite packets in place
     * (an incremental update of a checksum the sender left partial, CHECKSUM_PARTIAL, would be wrong once the kernel
     * completes it) and copy them (a clone or a capture must be a valid packet). Asked for each plain frame read with
     * a partial checksum; by default such frames keep it (the kernel completes it after reinjection).
     */
    default boolean needsCompleteChecksums() {
        return false;
    }

    /**
     * Hands the hook the pipeline's output for packets it originates (rebuilt stream segments). Called once by the
     * pipeline at construction. Default: ignored.
     */
    default void attachOutput(PacketOutput output) {
    }

    /** Tells the hook how other threads reach the packet thread (the pipeline's injection executor). Default: ignored. */
    default void packetThread(java.util.concurrent.Executor executor) {
    }
}
