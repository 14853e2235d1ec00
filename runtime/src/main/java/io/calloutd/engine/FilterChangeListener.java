package io.calloutd.engine;

import java.util.List;

/**
 * Told about filter adds and deletes of each committed {@link FilterEngine#update} batch; the callout runtime uses
 * it to call notify functions (§2.5). Runs under the engine's change lock, never on the packet path.
 */
public interface FilterChangeListener {
    /** A listener that does nothing. */
    FilterChangeListener NONE = new FilterChangeListener() { };

    /**
     * Called with the batch's added filters before it is published; throwing rejects the whole batch.
     *
     * @param added filters the batch adds (ids assigned), in add order
     * @throws FilterValidationException to reject the batch
     */
    default void beforeCommit(List<Filter> added) throws FilterValidationException { }

    /**
     * Called after the batch is published. Must not throw.
     *
     * @param added   filters the batch added
     * @param deleted filters the batch deleted
     */
    default void afterCommit(List<Filter> added, List<Filter> deleted) { }
}
