package io.calloutd.callouts.redirect;

import io.calloutd.callout.CalloutInstance;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Filter;
import io.calloutd.engine.IncomingValues;
import io.calloutd.redirect.ConnectRequest;
import io.calloutd.redirect.RedirectHandle;
import io.calloutd.redirect.RedirectState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Redirects new outbound connections to X[:p] to a proxy at ALE_CONNECT_REDIRECT (§3.5 inline procedure): query
 * the redirect state with its own {@link RedirectHandle}; a connection that carries this handle's records (the
 * proxy's onward connection after {@code RedirectRegistry.attach}) or that comes from the proxy's own address is
 * permitted unchanged, so the proxy never loops; any other redirect state is left alone (permitted); otherwise
 * acquire the request, set the proxy as remote, the target id and the original destination as context, apply,
 * PERMIT. The flow is then translated for its whole life by the data path; the proxy learns the original
 * destination from {@code RedirectRegistry.query} (or the management API). Connections that do not match are left
 * with CONTINUE: use a {@code CALLOUT_UNKNOWN} filter or conditions selecting X.
 */
public final class ConnectRedirect implements CalloutInstance {
    private final Match match;
    private final InetAddress proxy;
    private final int proxyPort;
    private final long targetId;
    private final RedirectHandle handle = RedirectHandle.create();
    private final AtomicLong redirected = new AtomicLong(), bySelf = new AtomicLong(), byOther = new AtomicLong(),
            proxyOwn = new AtomicLong(), noWriteRight = new AtomicLong();

    ConnectRedirect(Match match, InetAddress proxy, int proxyPort, long targetId) {
        this.match = match;
        this.proxy = proxy;
        this.proxyPort = proxyPort;
        this.targetId = targetId;
    }

    /** The handle whose records the proxy attaches to its onward connections. */
    public RedirectHandle handle() {
        return handle;
    }

    @Override
    public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
        if (!(ctx.layerData() instanceof ConnectRequest r)) {
            return; // not at ALE_CONNECT_REDIRECT
        }
        InetSocketAddress remote = r.remoteAddressAndPort();
        if (!match.matches(r.protocol(), remote)) {
            return;
        }
        RedirectState s = r.redirectState(handle);
        if (s != RedirectState.NOT_REDIRECTED || r.localAddressAndPort().getAddress().equals(proxy)) {
            (s == RedirectState.REDIRECTED_BY_SELF || s == RedirectState.PREVIOUSLY_REDIRECTED_BY_SELF ? bySelf
                    : s == RedirectState.REDIRECTED_BY_OTHER ? byOther : proxyOwn).incrementAndGet();
            if (out.hasWriteRight()) {
                out.permit();
            }
            return;
        }
        if (!r.acquireWritable(handle, filter, out)) {
            noWriteRight.incrementAndGet(); // a higher filter decided: nothing to change
            return;
        }
        r.remoteAddressAndPort(new InetSocketAddress(proxy, proxyPort == 0 ? remote.getPort() : proxyPort));
        r.localRedirectTargetPid(targetId);
        r.localRedirectContext(remote); // what the proxy needs: the original destination
        r.apply();
        out.permit();
        redirected.incrementAndGet();
    }

    @Override
    public Map<String, Object> status() {
        return Map.of("redirected", redirected.get(), "redirectedBySelfPermitted", bySelf.get(),
                "redirectedByOtherPermitted", byOther.get(), "proxyOwnPermitted", proxyOwn.get(),
                "noWriteRight", noWriteRight.get());
    }

    @Override
    public void close() {
        handle.close();
    }
}
