package io.calloutd.callout;

import io.calloutd.engine.Filter;
import java.util.UUID;

/** The {@code notifyFn} analogue (§2.5). Runs on the management thread, never on the packet path. */
@FunctionalInterface
public interface NotifyFunction {
    /** Accepts every notification. */
    NotifyFunction ACCEPT_ALL = (type, key, filter) -> CalloutStatus.SUCCESS;

    /**
     * One filter add or delete.
     *
     * @param type      add or delete
     * @param filterKey the filter's key for {@link NotifyType#FILTER_ADD}; null for {@link NotifyType#FILTER_DELETE}
     * @param filter    the filter
     * @return {@link CalloutStatus#SUCCESS}, or anything else to reject an add (ignored for deletes)
     */
    CalloutStatus notify(NotifyType type, UUID filterKey, Filter filter);
}
