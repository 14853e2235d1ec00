package io.calloutd.callout;

import java.util.List;

/**
 * Service-provider interface for third-party callouts (M-38): a jar on the plug-in path lists its implementation in
 * {@code META-INF/services/io.calloutd.callout.CalloutProvider}; {@link PluginLoader} instantiates it with
 * {@link java.util.ServiceLoader} and registers what {@link #callouts} returns, the way a driver registers callouts at
 * load time. Implementations need a public no-argument constructor.
 */
public interface CalloutProvider {
    /** Plug-in name, unique on the plug-in path. */
    String name();

    /** Plug-in version string. */
    String version();

    /**
     * The callouts to register. Called once, on the loading thread.
     *
     * @param services runtime services (injection handles, deferred work) the callouts may keep
     */
    List<CalloutRegistration> callouts(CalloutServices services);

    /** Called when the plug-in is unloaded, after its callouts were unregistered. Default: nothing. */
    default void unload() { }
}
