package io.calloutd.engine;

/**
 * How a filter's weight is given (§1.4): {@link #explicit(long)} ({@code FWP_UINT64}, used verbatim, compared
 * unsigned), {@link #auto()} ({@code FWP_EMPTY}: 0 ≤ weight &lt; 2^60 from the specificity score) or
 * {@link #range(int)} ({@code FWP_UINT8} k in 0..15: k in the top 4 bits, automatic low 60 bits).
 * See {@link AutoWeight} for the formula.
 */
public final class FilterWeight {
    enum Kind { EXPLICIT, AUTO, RANGE }

    private static final FilterWeight AUTO = new FilterWeight(Kind.AUTO, 0);

    final Kind kind;
    final long value;

    private FilterWeight(Kind kind, long value) {
        this.kind = kind;
        this.value = value;
    }

    /** Explicit UINT64 weight (unsigned: {@code -1L} is the highest). */
    public static FilterWeight explicit(long weight) { return new FilterWeight(Kind.EXPLICIT, weight); }

    /** Automatic weight ({@code FWP_EMPTY}). */
    public static FilterWeight auto() { return AUTO; }

    /** Weight range k (0..15, validated at add time): top 4 bits = k, low 60 bits automatic. */
    public static FilterWeight range(int k) { return new FilterWeight(Kind.RANGE, k); }

    @Override public String toString() {
        return kind == Kind.AUTO ? "auto" : kind == Kind.RANGE ? "range(" + value + ")" : Long.toUnsignedString(value);
    }
}
