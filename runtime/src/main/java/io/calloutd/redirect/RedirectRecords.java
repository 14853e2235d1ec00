package io.calloutd.redirect;

import java.net.InetSocketAddress;

/**
 * What one redirect left behind (the redirect records and context of §3.5): who redirected (handle, filter),
 * where the connection was going and where it goes now, the local-redirect target id and context, and the records
 * the connection already carried when it was redirected ({@link #previous()}, oldest last). Immutable; a proxy
 * obtains them from {@link RedirectRegistry#query} and hands them to {@link RedirectRegistry#attach} for its own
 * outbound connection, so that the redirecting callout sees that connection as {@link RedirectState#REDIRECTED_BY_SELF}.
 *
 * @param handleId                id of the {@link RedirectHandle} that modified the request
 * @param filterId                id of the filter whose callout modified it
 * @param protocol                IP protocol of the connection
 * @param originalLocal           the protected host's endpoint before the redirect
 * @param originalDestination     the remote endpoint the protected host addressed (ORIGINAL_DESTINATION)
 * @param redirectedLocal         the local endpoint on the wire after the redirect (= originalLocal without bind redirect)
 * @param redirectedRemote        the remote endpoint on the wire after the redirect
 * @param localRedirectTargetPid  the configured target id standing in for LOCAL_REDIRECT_TARGET_PID (0: none)
 * @param localRedirectContext    the callout's context for the proxy (the port keeps the object; null: none)
 * @param previous                records the connection carried before this redirect, or null
 */
public record RedirectRecords(long handleId, long filterId, int protocol, InetSocketAddress originalLocal,
                              InetSocketAddress originalDestination, InetSocketAddress redirectedLocal,
                              InetSocketAddress redirectedRemote, long localRedirectTargetPid,
                              Object localRedirectContext, RedirectRecords previous) {

    /** True if these records or any earlier ones in the chain were made with handle {@code handleId}. */
    public boolean madeBy(long handleId) {
        for (RedirectRecords r = this; r != null; r = r.previous) {
            if (r.handleId == handleId) {
                return true;
            }
        }
        return false;
    }
}
