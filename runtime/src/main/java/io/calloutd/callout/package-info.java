/**
 * The callout runtime (WFP §2–§4, mission M-10, M-11, M-31..M-39): callout registration with notify and flowDelete
 * ({@link io.calloutd.callout.CalloutRegistry}), classify isolation and time budgets, packet views with WFP
 * clone/reference semantics over Netty buffers ({@link io.calloutd.callout.PacketView},
 * {@link io.calloutd.callout.PacketClone}), injection handles and the injection-state query
 * ({@link io.calloutd.callout.Injector}), deferred work ({@link io.calloutd.callout.DeferredWork}) and plug-in loading
 * ({@link io.calloutd.callout.PluginLoader}). {@link io.calloutd.callout.CalloutRuntime} bundles them for the pipeline.
 */
package io.calloutd.callout;
