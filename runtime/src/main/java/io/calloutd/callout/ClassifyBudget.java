package io.calloutd.callout;

/**
 * Time budget of one classify call (M-10, M-37).
 *
 * @param budgetNanos    a classify that takes longer counts as an overrun
 * @param failOnOverrun  if true, an overrunning callout's result is replaced by its filter's failure verdict (unless it
 *                       absorbed the packet, since it then already owns a clone); default false: count only
 */
public record ClassifyBudget(long budgetNanos, boolean failOnOverrun) {
    /** Validates. */
    public ClassifyBudget {
        if (budgetNanos <= 0) throw new IllegalArgumentException("budgetNanos must be > 0");
    }

    /** 50 µs, count only. */
    public static ClassifyBudget defaults() { return new ClassifyBudget(50_000, false); }
}
