package io.calloutd.engine;

/** How a condition compares the field value with the condition value ({@code FWP_MATCH_TYPE}, §1.3). */
public enum MatchType {
    /** value == condition; legal for all types (and against {@link ValueType#EMPTY}). */
    EQUAL,
    /** value != condition; sortable types, masks and EMPTY. */
    NOT_EQUAL,
    /** value &gt; condition; sortable types. */
    GREATER,
    /** value &lt; condition; sortable types. */
    LESS,
    /** value &ge; condition; sortable types. */
    GREATER_OR_EQUAL,
    /** value &le; condition; sortable types. */
    LESS_OR_EQUAL,
    /** low &le; value &le; high; sortable types. */
    RANGE,
    /** (value &amp; condition) == condition; unsigned integers. */
    FLAGS_ALL_SET,
    /** (value &amp; condition) != 0; unsigned integers. */
    FLAGS_ANY_SET,
    /** (value &amp; condition) == 0; unsigned integers. */
    FLAGS_NONE_SET,
    /** Case-folded equality; strings. */
    EQUAL_CASE_INSENSITIVE,
    /** Misnamed in WFP: the value <em>ends with</em> the condition string (§1.3). */
    PREFIX,
    /** The value does <em>not</em> end with the condition string. */
    NOT_PREFIX;

    static final MatchType[] ALL = values();
}
