package io.calloutd.callout;

/** Why a callout's notify function runs (§2.5). */
public enum NotifyType {
    /** A filter naming the callout is being added; an error return rejects the add. */
    FILTER_ADD,
    /** A filter naming the callout was deleted; the filter key is null and errors are ignored. */
    FILTER_DELETE
}
