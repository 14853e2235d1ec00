package io.calloutd.callout;

/** Callout flag bits ({@code FWP_CALLOUT_FLAG_*}, values from fwpsk.h, §2.1). */
public final class CalloutFlags {
    /** classify is only called for flows that carry a context of this callout at the layer. */
    public static final int CONDITIONAL_ON_FLOW = 0x1;
    /** The callout tolerates offloads (GSO/checksum offload stay enabled for its traffic). */
    public static final int ALLOW_OFFLOAD = 0x2;
    /** FILTER_ADD notifications for filters added in a batch are sent after commit (and cannot reject it). */
    public static final int ENABLE_COMMIT_ADD_NOTIFY = 0x4;
    /** May start inspecting streams that already existed. */
    public static final int ALLOW_MID_STREAM_INSPECTION = 0x8;
    /** Called when an existing operation is reclassified. */
    public static final int ALLOW_RECLASSIFY = 0x10;

    static final int ALL = CONDITIONAL_ON_FLOW | ALLOW_OFFLOAD | ENABLE_COMMIT_ADD_NOTIFY
            | ALLOW_MID_STREAM_INSPECTION | ALLOW_RECLASSIFY;

    private CalloutFlags() { }
}
