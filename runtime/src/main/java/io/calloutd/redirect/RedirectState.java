package io.calloutd.redirect;

/** What {@link ConnectRequest#redirectState} reports to a redirecting callout (FWPS_CONNECTION_REDIRECT_STATE, §3.5). */
public enum RedirectState {
    /** Nobody redirected this connection: the callout may redirect it. */
    NOT_REDIRECTED,
    /** The connection carries records this handle made: it is the callout's own proxy connection; permit it. */
    REDIRECTED_BY_SELF,
    /** Another handle redirected it (now, or the records it carries): redirect again only if that party is not trusted. */
    REDIRECTED_BY_OTHER,
    /** This handle redirected it earlier and someone else after that: must not redirect again. */
    PREVIOUSLY_REDIRECTED_BY_SELF
}
