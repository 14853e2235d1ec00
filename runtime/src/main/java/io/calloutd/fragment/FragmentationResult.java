package io.calloutd.fragment;

/**
 * Outcome of {@link Fragmenter}. Shared constants for the common outcomes; the two "send an ICMP
 * error" outcomes carry the MTU to report.
 *
 * @param outcome what happened
 * @param mtu     for {@link Outcome#FRAGMENTATION_NEEDED} and {@link Outcome#PACKET_TOO_BIG}: the MTU to put
 *                in the ICMP error (see {@link IcmpErrorBuilder}); 0 otherwise
 */
public record FragmentationResult(Outcome outcome, int mtu) {

    /** What the fragmenter did. */
    public enum Outcome {
        /** The packet fits; nothing was added to the output list; send the original. */
        FITS,
        /** The output list received the fragments (caller owns them); the original is left untouched. */
        FRAGMENTED,
        /** IPv4 with DF set and too big: send ICMP type 3 code 4 with {@link #mtu()}; drop the packet. */
        FRAGMENTATION_NEEDED,
        /** IPv6 too big and not allowed to be fragmented here: send ICMPv6 packet too big; drop the packet. */
        PACKET_TOO_BIG,
        /** The packet's headers could not be parsed (or cannot be split at this MTU); drop it. */
        MALFORMED
    }

    /** Shared {@link Outcome#FITS} result. */
    public static final FragmentationResult FITS = new FragmentationResult(Outcome.FITS, 0);
    /** Shared {@link Outcome#FRAGMENTED} result. */
    public static final FragmentationResult FRAGMENTED = new FragmentationResult(Outcome.FRAGMENTED, 0);
    /** Shared {@link Outcome#MALFORMED} result. */
    public static final FragmentationResult MALFORMED = new FragmentationResult(Outcome.MALFORMED, 0);
}
