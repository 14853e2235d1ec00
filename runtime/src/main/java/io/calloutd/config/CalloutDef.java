package io.calloutd.config;

import java.util.Map;
import java.util.UUID;

/**
 * A callout instance: a type from the {@link CalloutCatalog} created with parameters and registered under a key.
 *
 * @param id     unique name within the file; filters refer to it
 * @param type   catalog type name
 * @param key    callout key (default: derived from the id)
 * @param params type-specific parameters, checked by the type
 */
public record CalloutDef(String id, String type, UUID key, Map<String, Object> params) { }
