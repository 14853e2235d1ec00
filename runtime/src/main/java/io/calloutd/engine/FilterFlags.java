package io.calloutd.engine;

/** Filter flag bits ({@code FWPM_FILTER_FLAG_*}, values from fwpmtypes.h). Other bits are rejected at add time. */
public final class FilterFlags {
    /** Permit becomes hard (WRITE cleared); callouts see it and are expected to clear WRITE when permitting (§1.6.1 rule 4). */
    public static final int CLEAR_ACTION_RIGHT = 0x8;
    /** TERMINATING/UNKNOWN callout filters permit instead of block while the callout is unregistered (§1.5). */
    public static final int PERMIT_IF_CALLOUT_UNREGISTERED = 0x10;

    /**
     * Port extension: a BLOCK by this filter at ALE_FLOW_ESTABLISHED is a security error and kills the connection;
     * without it such a BLOCK is only reported as a policy warning (§1.8, check 58).
     */
    public static final int BLOCK_IS_SECURITY_ERROR = 0x4000_0000;

    static final int ALL = CLEAR_ACTION_RIGHT | PERMIT_IF_CALLOUT_UNREGISTERED | BLOCK_IS_SECURITY_ERROR;

    private FilterFlags() { }
}
