package io.calloutd.callouts.redirect;

import io.calloutd.callout.CalloutInstance;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Filter;
import io.calloutd.engine.IncomingValues;
import io.calloutd.redirect.BindRequest;
import io.calloutd.redirect.RedirectHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rewrites the local endpoint of matching new outbound flows at ALE_BIND_REDIRECT: acquire the bind request with its
 * own {@link RedirectHandle}, set the new local address (and port), apply, PERMIT. The data path then sends the
 * flow's packets from the new endpoint and translates replies to it back, for the flow's whole life (on a TUN the
 * bind is implicit, so "the socket" is the flow). Flows of another family or that do not match are left with
 * CONTINUE (use a {@code CALLOUT_UNKNOWN} filter or conditions).
 */
public final class BindRedirect implements CalloutInstance {
    private final Match match;
    private final InetAddress to;
    private final int port;
    private final RedirectHandle handle = RedirectHandle.create();
    private final AtomicLong redirected = new AtomicLong(), noWriteRight = new AtomicLong();

    BindRedirect(Match match, InetAddress to, int port) {
        this.match = match;
        this.to = to;
        this.port = port;
    }

    @Override
    public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
        if (!(ctx.layerData() instanceof BindRequest r)) {
            return;
        }
        InetSocketAddress local = r.localAddressAndPort();
        if (!match.matches(r.protocol(), local) || (to.getAddress().length == 4) != (r.ipVersion() == 4)) {
            return;
        }
        if (!r.acquireWritable(handle, filter, out)) {
            noWriteRight.incrementAndGet();
            return;
        }
        r.localAddressAndPort(new InetSocketAddress(to, port == 0 ? local.getPort() : port));
        r.apply();
        out.permit();
        redirected.incrementAndGet();
    }

    @Override
    public Map<String, Object> status() {
        return Map.of("redirected", redirected.get(), "noWriteRight", noWriteRight.get());
    }

    @Override
    public void close() {
        handle.close();
    }
}
