package io.calloutd.engine;

/** A filter's action type ({@code FWP_ACTION_*}, values from fwptypes.h, §1.5). */
public enum FilterAction {
    /** Static block: a hard block. */
    BLOCK(0x1001),
    /** Static permit: a soft permit, hard with {@link FilterFlags#CLEAR_ACTION_RIGHT}. */
    PERMIT(0x1002),
    /** Callout must decide: PERMIT or BLOCK, anything else counts as BLOCK. */
    CALLOUT_TERMINATING(0x5003),
    /** Callout only observes: whatever it returns counts as CONTINUE. */
    CALLOUT_INSPECTION(0x6004),
    /** Callout may decide or pass: PERMIT, BLOCK or CONTINUE honoured. */
    CALLOUT_UNKNOWN(0x4005);

    private final int code;

    FilterAction(int code) {
        this.code = code;
    }

    /** The WFP numeric value. */
    public int code() { return code; }

    /** True for the three callout actions. */
    public boolean isCallout() { return (code & 0x4000) != 0; }
}
