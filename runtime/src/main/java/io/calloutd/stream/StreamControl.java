package io.calloutd.stream;

import io.calloutd.callout.CalloutStatus;
import java.util.UUID;

/**
 * The stream functions callouts call from outside classify (out-of-band editing, §6.4): stream injection
 * ({@code FwpsStreamInjectAsync0}) and {@code FwpsStreamContinue0}. Safe from any thread: the request is queued to
 * the packet thread that owns the flow and runs there in submission order. The stage is named by the callout key of
 * the filter that invoked the callout; the direction by the stream flags (RECEIVE_* inbound, SEND_* outbound).
 * Obtain it from {@link StreamCalloutIo#control()}.
 */
public interface StreamControl {
    /**
     * Injects bytes into a stream right below the callout's stage: lower sublayers see them, the callout does not.
     * With {@link StreamFlags#RECEIVE_DISCONNECT}/{@link StreamFlags#SEND_DISCONNECT} a FIN follows them.
     *
     * @param data bytes to inject (copied before return; may be empty with a disconnect flag)
     * @return SUCCESS if queued; INVALID_PARAMETER for bad flags; INSUFFICIENT_RESOURCES if the queue is full
     */
    CalloutStatus inject(long flowId, UUID calloutKey, int streamFlags, byte[] data, int offset, int length);

    /**
     * Resumes a stream the callout deferred ({@link StreamAction#DEFER}). Must not be called from inside a
     * classify (INVALID_PARAMETER, check 64).
     */
    CalloutStatus continueStream(long flowId, UUID calloutKey, int streamFlags);
}
