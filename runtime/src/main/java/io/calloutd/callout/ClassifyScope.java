package io.calloutd.callout;

import io.calloutd.engine.Layer;

/**
 * Tracks, per thread, which callout classify calls are on the stack, so injection can tell whether it is being asked
 * from inside a classify (check 35, §4.6 P3). One small mutable frame per thread; entering/leaving allocates nothing.
 */
final class ClassifyScope {
    private static final int MAX_DEPTH = 16;
    private static final ThreadLocal<ClassifyScope> CURRENT = ThreadLocal.withInitial(ClassifyScope::new);

    private final Layer[] layers = new Layer[MAX_DEPTH];
    private final GuardedCallout[] callouts = new GuardedCallout[MAX_DEPTH];
    private int depth;

    static ClassifyScope current() { return CURRENT.get(); }

    void enter(Layer layer) {
        enter(layer, null);
    }

    void enter(Layer layer, GuardedCallout callout) {
        if (depth < MAX_DEPTH) {
            layers[depth] = layer;
            callouts[depth] = callout;
        }
        depth++;
    }

    void exit() {
        if (depth > 0) depth--;
        if (depth < MAX_DEPTH) {
            layers[depth] = null;
            callouts[depth] = null;
        }
    }

    /** The registered callout whose classify is innermost on this thread, or null. */
    GuardedCallout callout() { return depth == 0 || depth > MAX_DEPTH ? null : callouts[depth - 1]; }

    /** True while any callout classify runs on this thread. */
    boolean active() { return depth > 0; }

    /** Layer of the innermost classify, or null. */
    Layer layer() { return depth == 0 ? null : layers[Math.min(depth, MAX_DEPTH) - 1]; }

    /** True if the current thread is inside a callout classify. */
    static boolean onClassifyStack() { return current().active(); }
}
