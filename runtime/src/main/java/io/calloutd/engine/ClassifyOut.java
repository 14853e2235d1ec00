package io.calloutd.engine;

/**
 * The callout's in/out decision (the {@code FWPS_CLASSIFY_OUT0} analogue, §2.4). Rights can only be cleared, never
 * set, so a callout cannot give back a right it was not handed.
 */
public final class ClassifyOut {
    /** {@code FWPS_RIGHT_ACTION_WRITE}. */
    public static final int RIGHT_ACTION_WRITE = 0x1;
    /** {@code FWPS_CLASSIFY_OUT_FLAG_ABSORB}: with BLOCK, a silent drop (no discard classify, no net event). */
    public static final int FLAG_ABSORB = 0x1;
    /**
     * Port extension: with BLOCK at ALE_FLOW_ESTABLISHED, the block is a security error that kills the connection;
     * other blocks there are only reported (§1.8, check 58).
     */
    public static final int FLAG_SECURITY_ERROR = 0x100;
    /** Set by the engine at stream layers. */
    public static final int FLAG_BUFFER_LIMIT_REACHED = 0x2;
    /** Set by the engine at stream layers. */
    public static final int FLAG_NO_MORE_DATA = 0x4;

    private ActionType actionType = ActionType.CONTINUE;
    private int rights = RIGHT_ACTION_WRITE;
    private int flags;
    private boolean notInvoked;

    /** Creates a classify-out holding the initial state (CONTINUE, WRITE set, no flags; §10). */
    public ClassifyOut() { }

    void reset(ActionType action, int rights, int flags) {
        this.actionType = action;
        this.rights = rights;
        this.flags = flags;
        this.notInvoked = false;
    }

    /** The current action. */
    public ActionType actionType() { return actionType; }

    /** Writes the action (null is treated as {@link ActionType#NONE}). */
    public void setActionType(ActionType a) { this.actionType = a == null ? ActionType.NONE : a; }

    /** Rights bits. */
    public int rights() { return rights; }

    /** True if {@link #RIGHT_ACTION_WRITE} is present. */
    public boolean hasWriteRight() { return (rights & RIGHT_ACTION_WRITE) != 0; }

    /** Clears {@link #RIGHT_ACTION_WRITE} (makes the action hard). */
    public void clearWriteRight() { rights &= ~RIGHT_ACTION_WRITE; }

    /** Flag bits. */
    public int flags() { return flags; }

    /** Sets {@link #FLAG_ABSORB}; meaningful only with BLOCK, ignored at discard layers. */
    public void setAbsorb() { flags |= FLAG_ABSORB; }

    /** Marks a BLOCK at ALE_FLOW_ESTABLISHED as a security error that kills the connection (check 58). */
    public void setSecurityError() { flags |= FLAG_SECURITY_ERROR; }
    /** Clears {@link #FLAG_ABSORB} (lets the runtime undo a half-done absorb of a callout that then failed). */
    public void clearAbsorb() { flags &= ~FLAG_ABSORB; }

    /**
     * For the callout runtime: the callout was skipped (CONDITIONAL_ON_FLOW on a flow without its context, §2.1), so
     * its filter counts as not matched whatever the filter's action type; anything else written is ignored.
     */
    public void markNotInvoked() { notInvoked = true; }

    /** True if {@link #markNotInvoked()} was called for this invocation. */
    public boolean notInvoked() { return notInvoked; }

    /** Convenience: BLOCK with WRITE cleared (a hard block, as the WDK tells callouts to do). */
    public void block() { actionType = ActionType.BLOCK; clearWriteRight(); }

    /** Convenience: PERMIT. */
    public void permit() { actionType = ActionType.PERMIT; }

    @Override public String toString() { return actionType + " rights=" + rights + " flags=" + flags; }
}
