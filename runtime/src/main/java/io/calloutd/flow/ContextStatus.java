package io.calloutd.flow;

/** Outcome of a flow-context operation, mirroring the NTSTATUS values of FwpsFlowAssociateContext0/RemoveContext0. */
public enum ContextStatus {
    /** Done (for removal: flowDelete already ran synchronously). */
    SUCCESS,
    /** Removal requested during a classify of this flow: flowDelete runs when the classify ends. */
    PENDING,
    /** Context value 0, or the flow has already ended. */
    INVALID_PARAMETER,
    /** A context already exists for this (layer, callout); remove it first. */
    OBJECT_NAME_EXISTS,
    /** Removal: nothing is associated for this (layer, callout). */
    UNSUCCESSFUL,
    /** Association: the per-flow context limit ({@link Flow#MAX_CONTEXTS}) is reached. */
    INSUFFICIENT_RESOURCES
}
