package io.calloutd.stream;

/** The stream action a stream callout returns (§6.2); anything but NONE makes the engine ignore the action type. */
public enum StreamAction {
    /** No stream action: the action type (PERMIT/BLOCK) with {@code countBytesEnforced} applies. */
    NONE,
    /** Permit all future data of the connection; the callout is not called again for it. */
    ALLOW_CONNECTION,
    /** Buffer and indicate again once {@code countBytesRequired} bytes are available. */
    NEED_MORE_DATA,
    /** Drop the connection (honoured behind CALLOUT_TERMINATING and CALLOUT_UNKNOWN filters, not INSPECTION). */
    DROP_CONNECTION,
    /** Pause an inbound stream (no more acknowledgements, window 0) until {@link StreamControl#continueStream}. */
    DEFER
}
