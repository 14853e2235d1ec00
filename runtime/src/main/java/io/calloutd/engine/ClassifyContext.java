package io.calloutd.engine;

/**
 * Per-indication context handed to callouts: the metadata/layer-data/flow-context arguments of {@code classifyFn}
 * (§2.2) in one reusable object. The packet path sets layer data, metadata and flow context; the engine sets
 * {@link #layer()} and, at discard layers, {@link #discardReason()}. Not thread-safe: one per packet thread.
 */
public final class ClassifyContext {
    private Layer layer;
    private Object layerData;
    private Object metadata;
    private long flowContext;
    private Object flow;
    private DiscardReason discardReason;
    private Object classifyHandle;

    /** Creates an empty context. */
    public ClassifyContext() { }

    /** Layer being classified (set by the engine). */
    public Layer layer() { return layer; }

    void layer(Layer l) { this.layer = l; }

    /** Packet view positioned per §1.2, or null where the layer has none. Typed by the packet path. */
    public Object layerData() { return layerData; }

    /** Sets the layer data. */
    public ClassifyContext layerData(Object data) { this.layerData = data; return this; }

    /** Metadata values (§2.3), typed by the packet path; may be null. */
    public Object metadata() { return metadata; }

    /** Sets the metadata. */
    public ClassifyContext metadata(Object m) { this.metadata = m; return this; }

    /** The callout's flow context for this flow and layer, 0 if none. */
    public long flowContext() { return flowContext; }

    /** Sets the flow context. */
    public ClassifyContext flowContext(long c) { this.flowContext = c; return this; }

    /**
     * The flow of this indication (an {@code io.calloutd.flow.Flow} on the packet path), or null. The callout runtime
     * reads each callout's own context from it, since one indication can reach several callouts.
     */
    public Object flow() { return flow; }

    /** Sets the flow. */
    public ClassifyContext flow(Object f) { this.flow = f; return this; }

    /** Discard reason at a {@code *_DISCARD} layer, else null. */
    public DiscardReason discardReason() { return discardReason; }

    /** Sets the discard reason (the packet path does so before classifying a discard layer itself). */
    public ClassifyContext discardReason(DiscardReason r) { this.discardReason = r; return this; }

    /**
     * The packet path's per-classify services (pending, flow table; {@code io.calloutd.callout.ClassifyHandle} on the
     * packet path), WFP's {@code classifyContext}; may be null.
     */
    public Object classifyHandle() { return classifyHandle; }

    /** Sets the classify handle (kept by {@link #clear()}: it belongs to the thread, not to the indication). */
    public ClassifyContext classifyHandle(Object h) { this.classifyHandle = h; return this; }

    /** Resets every member to its empty value. */
    public ClassifyContext clear() {
        layer = null;
        layerData = null;
        metadata = null;
        flowContext = 0;
        flow = null;
        discardReason = null;
        return this;
    }
}
