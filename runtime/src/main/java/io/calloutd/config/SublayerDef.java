package io.calloutd.config;

import java.util.UUID;

/**
 * A sublayer definition.
 *
 * @param id     unique name within the file; filters refer to it
 * @param key    management key (default: derived from the id)
 * @param name   display name (default: the id)
 * @param weight 0..65535, higher is evaluated first
 */
public record SublayerDef(String id, UUID key, String name, Integer weight) { }
