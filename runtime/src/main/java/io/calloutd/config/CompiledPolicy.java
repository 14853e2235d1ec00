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
     * @param params   the parameters it was created with (an unchanged instance survives a reload)
     */
    public record CalloutInstance(String id, UUID key, String type, io.calloutd.callout.CalloutInstance callout,
                                  java.util.Map<String, Object> params) {
        /** True if {@code o} was created from the same type and parameters. */
        public boolean sameDefinition(CalloutInstance o) {
            return o != null && type.equals(o.type) && params.equals(o.params);
        }

        /** Closes the instance, logging instead of throwing. */
        public void close() {
            try {
                callout.close();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(CompiledPolicy.class).warn("closing callout {}: {}", id, e.toString());
            }
        }
    }

    /** Closes every callout instance (a policy that was rejected, or replaced). */
    public void closeCallouts() {
        callouts.forEach(CalloutInstance::close);
    }
}
