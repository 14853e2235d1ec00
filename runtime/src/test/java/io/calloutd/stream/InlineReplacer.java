package io.calloutd.stream;

import io.calloutd.engine.ActionType;
import io.calloutd.engine.Callout;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.Filter;
import io.calloutd.engine.IncomingValues;
import java.nio.charset.StandardCharsets;

/**
 * A minimal inline find/replace stream callout (the §6.3 recipe) for tests: PERMIT up to a match, inject the
 * replacement and BLOCK the match, NEED_MORE_DATA while a partial match sits at the end (unless NO_MORE_DATA).
 */
final class InlineReplacer implements Callout {
    private final byte[] find, replace;

    InlineReplacer(String find, String replace) {
        this.find = find.getBytes(StandardCharsets.ISO_8859_1);
        this.replace = replace.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
        StreamCalloutIo io = (StreamCalloutIo) ctx.layerData();
        int n = io.dataLength();
        int at = io.indexOf(find, 0);
        if (at == 0) {
            io.inject(replace);
            out.block();
            io.setCountBytesEnforced(find.length);
            return;
        }
        if (at > 0) {
            out.permit();
            io.setCountBytesEnforced(at);
            return;
        }
        int partial = partialTail(io, n);
        boolean noMore = (out.flags() & ClassifyOut.FLAG_NO_MORE_DATA) != 0;
        if (partial == 0 && n > 0 && !noMore) { // the whole indication may be a match prefix: wait
            io.setStreamAction(StreamAction.NEED_MORE_DATA);
            io.setCountBytesRequired(find.length);
            out.setActionType(ActionType.NONE);
            return;
        }
        out.permit();
        if (partial > 0 && !noMore) io.setCountBytesEnforced(partial); // keep the partial tail for the next call
    }

    /** Index where a suffix that is a proper prefix of {@code find} starts, n if none. */
    private int partialTail(StreamCalloutIo io, int n) {
        for (int start = Math.max(0, n - find.length + 1); start < n; start++) {
            boolean prefix = true;
            for (int k = 0; start + k < n; k++) {
                if (io.byteAt(start + k) != find[k]) { prefix = false; break; }
            }
            if (prefix) return start;
        }
        return n;
    }
}
