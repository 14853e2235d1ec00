package io.calloutd.pipeline;

/** What the pipeline does with a packet once the verdict hook has decided. */
public enum Verdict {
    /** Reinject the packet into the kernel on its path. */
    PERMIT,
    /** Drop the packet; the hook has already counted it with its reason. */
    BLOCK
}
