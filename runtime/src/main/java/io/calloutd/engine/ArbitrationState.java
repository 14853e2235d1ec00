package io.calloutd.engine;

/** The layer-level "out" of the §1.6.2 reference algorithm, reused between classifications. */
final class ArbitrationState {
    ActionType action;
    int rights;
    int flags;
    /** Id of the deciding filter, resolved from {@link #deciderRank} when arbitration ends; 0 if none. */
    long deciderId;
    int deciderRank;
    DecisionReason reason;
    boolean vetoed;
    long overriddenFilterId;
    int evaluated;

    // The current sublayer's result r.
    ActionType rAction;
    int rRights;
    int rFlags;
    int rRank;
    DecisionReason rReason;
    boolean rFromCallout;

    void reset() {
        action = ActionType.CONTINUE;
        rights = ClassifyOut.RIGHT_ACTION_WRITE;
        flags = 0;
        deciderId = 0;
        deciderRank = -1;
        reason = null;
        vetoed = false;
        overriddenFilterId = 0;
        evaluated = 0;
    }
}
