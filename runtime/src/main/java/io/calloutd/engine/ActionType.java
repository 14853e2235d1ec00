package io.calloutd.engine;

/** Values a callout may write into {@link ClassifyOut#actionType()} ({@code FWP_ACTION_*}, §1.5, §2.4). */
public enum ActionType {
    BLOCK(0x1001),
    PERMIT(0x1002),
    /** No opinion: the next filter in the sublayer is evaluated. The engine's initial value (§10). */
    CONTINUE(0x2006),
    /** No action; used with stream actions. */
    NONE(0x7),
    /** No action, no match. */
    NONE_NO_MATCH(0x8);

    private final int code;

    ActionType(int code) {
        this.code = code;
    }

    /** The WFP numeric value. */
    public int code() { return code; }
}
