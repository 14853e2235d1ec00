package io.calloutd.callout;

/**
 * What the runtime offers callouts (plug-ins get it from {@link CalloutProvider#callouts}).
 *
 * @param injector     creates injection handles
 * @param deferredWork worker pool for out-of-band work
 * @param engine       the filter engine, so a plug-in can add the filters that invoke its callouts (the way a
 *                     driver adds its own filters through BFE); null where the runtime has none
 */
public record CalloutServices(Injector injector, DeferredWork deferredWork, io.calloutd.engine.FilterEngine engine) {
    /** Services without engine access. */
    public CalloutServices(Injector injector, DeferredWork deferredWork) {
        this(injector, deferredWork, null);
    }
}
