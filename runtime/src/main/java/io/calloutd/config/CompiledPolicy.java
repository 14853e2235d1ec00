package io.calloutd.config;

import io.calloutd.engine.Callout;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.Sublayer;
import java.util.List;
import java.util.UUID;

/**
 * A validated configuration, ready to be applied by {@link PolicyApplier}.
 *
 * @param source    file name (for messages)
 * @param file      the bound file (settings sections)
 * @param sublayers sublayers, in file order
 * @param callouts  callout instances
 * @param filters   filter specs, in file order
 */
public record CompiledPolicy(String source, PolicyFile file, List<Sublayer> sublayers, List<CalloutInstance> callouts,
                             List<FilterSpec> filters) {
    /**
     * @param id       id in the file
     * @param key      callout key
     * @param type     catalog type
     * @param callout  the instance
     */
    public record CalloutInstance(String id, UUID key, String type, Callout callout) { }
}
