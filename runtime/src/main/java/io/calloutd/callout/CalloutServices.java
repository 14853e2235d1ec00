package io.calloutd.callout;

/**
 * What the runtime offers callouts (plug-ins get it from {@link CalloutProvider#callouts}).
 *
 * @param injector     creates injection handles
 * @param deferredWork worker pool for out-of-band work
 */
public record CalloutServices(Injector injector, DeferredWork deferredWork) { }
