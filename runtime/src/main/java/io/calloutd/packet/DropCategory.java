package io.calloutd.packet;

/** Broad class of a {@link DropReason}, for grouping metrics and logs. */
public enum DropCategory {
    /** The bytes are not a well-formed packet. */
    MALFORMED,
    /** Fragment handling (reassembly limits, overlaps, timeouts). */
    FRAGMENT,
    /** A filter or the engine decided to drop. */
    FILTER,
    /** A callout decided to drop or absorb. */
    CALLOUT,
    /** A resource limit (memory, queue, table) was hit. */
    RESOURCE,
    /** Policy or protocol rule other than malformation (e.g. unsupported feature). */
    POLICY
}
