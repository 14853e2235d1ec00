package io.calloutd.engine;

/** Why a classification ended with its verdict. */
public enum DecisionReason {
    /** No sublayer decided; the configured default verdict applied (§1.6.3). */
    DEFAULT_VERDICT,
    /** A static PERMIT/BLOCK filter decided. */
    FILTER,
    /** A callout decided. */
    CALLOUT,
    /** A callout filter whose callout is not registered decided (§1.5). */
    CALLOUT_UNREGISTERED,
    /** A callout threw; treated like an unregistered callout. */
    CALLOUT_ERROR,
    /** A callout vetoed a hard permit (§1.6.1 rule 5). */
    VETO
}
