package io.calloutd.callouts.stmedit;

import io.calloutd.engine.ActionType;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.stream.StreamAction;
import io.calloutd.stream.StreamCalloutIo;
import io.calloutd.stream.StreamFlags;
import java.util.concurrent.atomic.LongAdder;

/**
 * Inline editing (§6.3, the sample's set 2): everything happens inside classify with byte accounting. A match at
 * offset 0 is replaced by injecting the replacement and blocking the match; bytes before a match are permitted (the
 * rest comes back at once); a partial match at the end is left undecided with NEED_MORE_DATA until more bytes come,
 * or permitted when NO_MORE_DATA says none will. Keeps no per-flow state: the engine holds the undecided bytes.
 */
final class InlineEditor {
    private final Patterns patterns;
    final LongAdder replacements = new LongAdder();

    InlineEditor(Patterns patterns) {
        this.patterns = patterns;
    }

    void classify(StreamCalloutIo io, ClassifyOut out) {
        int n = io.dataLength();
        boolean noMore = (out.flags() & ClassifyOut.FLAG_NO_MORE_DATA) != 0;
        for (int i = 0; i < n; i++) {
            int p = patterns.matchAt(io, i);
            if (p >= 0) {
                if (i == 0) {
                    byte[] r = patterns.replace[p];
                    io.inject(r, 0, r.length, io.streamFlags() & (StreamFlags.RECEIVE | StreamFlags.SEND));
                    replacements.increment();
                    out.block();
                    io.setCountBytesEnforced(patterns.find[p].length);
                } else {
                    out.permit();
                    io.setCountBytesEnforced(i);
                }
                return;
            }
            if (!noMore && patterns.partialAt(io, i)) {
                if (i == 0) {
                    io.setStreamAction(StreamAction.NEED_MORE_DATA);
                    io.setCountBytesRequired(n + 1);
                    out.setActionType(ActionType.NONE);
                } else {
                    out.permit();
                    io.setCountBytesEnforced(i);
                }
                return;
            }
        }
        out.permit(); // no match (or the FIN indication): everything passes
    }
}
