package io.calloutd.engine;

import java.util.Objects;

/**
 * One filter condition {field, match type, value} (the {@code FWPM_FILTER_CONDITION0} analogue). Types are checked
 * when the filter is added ({@link FilterEngine}), never converted. Within a filter, a run of consecutive conditions
 * on the same field is ORed; runs on different fields are ANDed (§1.3).
 */
public final class Condition {
    private final Field field;
    private final MatchType matchType;
    private final Value value;
    private final Value high;

    private Condition(Field field, MatchType matchType, Value value, Value high) {
        this.field = Objects.requireNonNull(field, "field");
        this.matchType = Objects.requireNonNull(matchType, "matchType");
        this.value = Objects.requireNonNull(value, "value");
        this.high = high;
    }

    /** A condition with a single value (any match type except {@link MatchType#RANGE}). */
    public static Condition of(Field field, MatchType matchType, Value value) {
        if (matchType == MatchType.RANGE) throw new IllegalArgumentException("use Condition.range for RANGE");
        return new Condition(field, matchType, value, null);
    }

    /** {@link MatchType#EQUAL} shorthand. */
    public static Condition eq(Field field, Value value) { return of(field, MatchType.EQUAL, value); }

    /** A {@link MatchType#RANGE} condition low &le; value &le; high. */
    public static Condition range(Field field, Value low, Value high) {
        return new Condition(field, MatchType.RANGE, low, Objects.requireNonNull(high, "high"));
    }

    /** The field tested. */
    public Field field() { return field; }
    /** The match type. */
    public MatchType matchType() { return matchType; }
    /** The condition value (the low bound for RANGE). */
    public Value value() { return value; }
    /** The high bound for RANGE, else null. */
    public Value high() { return high; }

    @Override public boolean equals(Object o) {
        if (!(o instanceof Condition)) return false;
        Condition c = (Condition) o;
        return field == c.field && matchType == c.matchType && value.equals(c.value) && Objects.equals(high, c.high);
    }

    @Override public int hashCode() { return Objects.hash(field, matchType, value, high); }

    @Override public String toString() {
        return field + " " + matchType + " " + value + (high != null ? ".." + high : "");
    }
}
