package io.calloutd.engine;

/** Management-side error codes, named after their {@code FWP_E_*} counterparts. */
public enum ErrorCode {
    /** Condition value type differs from the field type (check 14; no conversion). */
    FWP_E_TYPE_MISMATCH,
    /** Match type not legal for the value type. */
    FWP_E_MATCH_TYPE_MISMATCH,
    /** The field is not classifiable at the filter's layer. */
    FWP_E_CONDITION_NOT_FOUND,
    /** RANGE with low &gt; high, or a malformed value. */
    FWP_E_INVALID_RANGE,
    /** Action type invalid, or a callout action without a callout key (or vice versa). */
    FWP_E_INVALID_ACTION_TYPE,
    /** Filter flags illegal for the action (e.g. PERMIT_IF_CALLOUT_UNREGISTERED on a non-callout filter). */
    FWP_E_INVALID_FLAGS,
    /** Weight outside its legal range. */
    FWP_E_INVALID_WEIGHT,
    /** Referenced sublayer does not exist. */
    FWP_E_SUBLAYER_NOT_FOUND,
    /** Filter id or key not found. */
    FWP_E_FILTER_NOT_FOUND,
    /** An object with that key already exists. */
    FWP_E_ALREADY_EXISTS,
    /** Object still referenced (sublayer with filters, built-in sublayer). */
    FWP_E_IN_USE,
    /** A callout's notify function rejected a filter add (§2.5, check 18). */
    FWP_E_CALLOUT_NOTIFICATION_FAILED,
    /** A required parameter was null or invalid. */
    FWP_E_INVALID_PARAMETER
}
