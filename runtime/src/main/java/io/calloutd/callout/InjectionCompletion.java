package io.calloutd.callout;

/**
 * Injection completion routine (§4.4): runs exactly once for every injection call that returned
 * {@link CalloutStatus#SUCCESS}, with the final status; never for a call that failed synchronously. The callout frees
 * its clone (and any replaced segments) here. Runs on whatever thread completes the injection; must not block.
 */
@FunctionalInterface
public interface InjectionCompletion {
    /**
     * @param context the context given to the inject call
     * @param packet  the injected clone (still owned by the callout)
     * @param status  final status: SUCCESS, or why the data path failed it
     */
    void completed(Object context, PacketClone packet, CalloutStatus status);
}
