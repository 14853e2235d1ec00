package io.calloutd.classify;

/** Bits of the REAUTHORIZE_REASON field (§1.3), the subset a TUN engine can raise. */
public final class ReauthorizeReason {
    /** A filter was added or removed at the layer that authorized the flow. */
    public static final int POLICY_CHANGE = 0x1;
    /** A pended classification was completed (§5). */
    public static final int CLASSIFY_COMPLETION = 0x4;

    private ReauthorizeReason() { }
}
