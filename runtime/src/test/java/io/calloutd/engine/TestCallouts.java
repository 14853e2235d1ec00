package io.calloutd.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Minimal callouts for tests: each records what it saw, then applies a scripted reaction. */
final class TestCallouts {
    private TestCallouts() { }

    /** What one invocation saw on entry. */
    record Seen(long filterId, Layer layer, ActionType actionIn, boolean writeIn, DiscardReason discardReason) { }

    /** A callout that records invocations and runs {@code reaction} on the classify-out. */
    static final class Recording implements Callout {
        final List<Seen> seen = new ArrayList<>();
        private final Consumer<ClassifyOut> reaction;

        Recording(Consumer<ClassifyOut> reaction) {
            this.reaction = reaction;
        }

        @Override public void classify(IncomingValues in, ClassifyContext ctx, Filter filter, ClassifyOut out) {
            seen.add(new Seen(filter.id(), ctx.layer(), out.actionType(), out.hasWriteRight(), ctx.discardReason()));
            reaction.accept(out);
        }

        int calls() { return seen.size(); }
    }

    static Recording returning(ActionType a) { return new Recording(o -> o.setActionType(a)); }

    /** Blocks and clears WRITE (a hard block, as the WDK asks). */
    static Recording hardBlock() { return new Recording(ClassifyOut::block); }

    /** Follows the sample pattern: does nothing when WRITE is absent, else permits. */
    static Recording politePermit() {
        return new Recording(o -> { if (o.hasWriteRight()) o.permit(); });
    }
}
