package io.calloutd.engine;

/** The layer-level "out" of the §1.6.2 reference algorithm, reused between classifications. */
final class ArbitrationState {
    ActionType action;
    int rights;
    int flags;
    CompiledFilter decider;
    DecisionReason reason;
    boolean vetoed;
    long overriddenFilterId;
    int evaluated;

    // The current sublayer's result r.
    ActionType rAction;
    int rRights;
    int rFlags;
    CompiledFilter rFilter;
    DecisionReason rReason;
    boolean rFromCallout;

    void reset() {
        action = ActionType.CONTINUE;
        rights = ClassifyOut.RIGHT_ACTION_WRITE;
        flags = 0;
        decider = null;
        reason = null;
        vetoed = false;
        overriddenFilterId = 0;
        evaluated = 0;
    }
}
