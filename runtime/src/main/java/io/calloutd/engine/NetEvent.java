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
 */
public record NetEvent(long timeMillis, NetEventType type, Layer layer, long filterId, DecisionReason reason,
                       long overriddenFilterId, String packet) { }
