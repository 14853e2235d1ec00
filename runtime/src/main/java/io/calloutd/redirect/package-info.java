/**
 * Bind and connect redirection in the data path (WFP §3.5): the writable {@link io.calloutd.redirect.BindRequest}
 * and {@link io.calloutd.redirect.ConnectRequest} callouts get at ALE_BIND_REDIRECT / ALE_CONNECT_REDIRECT,
 * {@link io.calloutd.redirect.RedirectHandle}s, the {@link io.calloutd.redirect.RedirectRecords} a redirect
 * leaves, the per-flow {@link io.calloutd.redirect.FlowTranslation} that rewrites the flow's packets both ways for
 * its whole life, and the {@link io.calloutd.redirect.RedirectRegistry} proxies query for original destinations.
 */
package io.calloutd.redirect;
