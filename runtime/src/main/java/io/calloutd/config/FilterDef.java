package io.calloutd.config;

import io.calloutd.engine.FilterAction;
import io.calloutd.engine.Layer;
import java.util.List;
import java.util.UUID;

/**
 * A filter definition, shared by the configuration file and the management API.
 *
 * @param id          unique name (config) used to derive the key; optional through the API
 * @param key         management key (default: derived from the id, or random)
 * @param name        display name (default: the id)
 * @param layer       layer
 * @param sublayer    sublayer id (config) or key (API); default: the universal sublayer
 * @param action      BLOCK, PERMIT or a callout action
 * @param callout     callout id (config) or key (API) for callout actions
 * @param weight      explicit UINT64 weight
 * @param weightRange auto weight within range 0..15 (exclusive with weight)
 * @param flags       flag names: CLEAR_ACTION_RIGHT, PERMIT_IF_CALLOUT_UNREGISTERED
 * @param conditions  conditions, ANDed across fields and ORed within consecutive same-field ones
 */
public record FilterDef(String id, UUID key, String name, Layer layer, String sublayer, FilterAction action,
                        String callout, Long weight, Integer weightRange, List<String> flags,
                        List<ConditionDef> conditions) {
    /** Null lists become empty. */
    public FilterDef {
        flags = flags == null ? List.of() : List.copyOf(flags);
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }
}
