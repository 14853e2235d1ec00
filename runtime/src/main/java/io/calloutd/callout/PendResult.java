package io.calloutd.callout;

/**
 * Outcome of a pend request.
 *
 * @param status  SUCCESS, or why the classification could not be pended (CANNOT_PEND, INSUFFICIENT_RESOURCES,
 *                TCPIP_NOT_READY)
 * @param pended  the pended classification to complete later; null unless {@code status} is SUCCESS
 */
public record PendResult(CalloutStatus status, Pended pended) {
    /** True if the classification is now pended. */
    public boolean ok() { return status == CalloutStatus.SUCCESS; }
}
