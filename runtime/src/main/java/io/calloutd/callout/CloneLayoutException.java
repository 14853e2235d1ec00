package io.calloutd.callout;

/**
 * Thrown when a {@link PacketClone} is freed while its segment list differs from the one it was created with
 * (check 36, §3.4): pieces the callout put in would be freed into the wrong place and the originals leaked. The clone
 * is left intact so the callout can restore it and free it again.
 */
public final class CloneLayoutException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message what differs */
    public CloneLayoutException(String message) { super(message); }
}
