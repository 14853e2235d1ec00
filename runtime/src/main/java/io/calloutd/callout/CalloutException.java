package io.calloutd.callout;

/** A callout-runtime operation failed with a {@link CalloutStatus}. */
public final class CalloutException extends Exception {
    private static final long serialVersionUID = 1L;
    private final CalloutStatus status;

    /**
     * @param status  why
     * @param message detail for humans
     */
    public CalloutException(CalloutStatus status, String message) {
        super(status + ": " + message);
        this.status = status;
    }

    /** The status. */
    public CalloutStatus status() { return status; }
}
