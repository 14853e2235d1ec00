package io.calloutd.engine;

/**
 * One net event (§8.7).
 *
 * @param timeMillis          wall-clock time from the engine's clock
 * @param type                event type
 * @param layer               layer where the decision was taken
 * @param filterId            deciding filter (the vetoing filter for {@link NetEventType#VETO}); 0 for the default verdict
 * @param reason              why
 * @param overriddenFilterId  for a veto, the filter whose hard permit was overridden; else 0
 * @param packet              short description of the packet's field values
 * @param verdict             the verdict the event reports (e.g. of a {@link NetEventType#REAUTHORIZE}); null when the
 *                            type implies it or it is unknown
 */
public record NetEvent(long timeMillis, NetEventType type, Layer layer, long filterId, DecisionReason reason,
                       long overriddenFilterId, String packet, Verdict verdict) {
    /** An event whose type implies its verdict (no explicit verdict). */
    public NetEvent(long timeMillis, NetEventType type, Layer layer, long filterId, DecisionReason reason,
                    long overriddenFilterId, String packet) {
        this(timeMillis, type, layer, filterId, reason, overriddenFilterId, packet, null);
    }
}
