package io.calloutd.engine;

/** Values of the {@link Field#DIRECTION} field ({@code FWP_DIRECTION}). */
public final class Direction {
    /** {@code FWP_DIRECTION_OUTBOUND}. */
    public static final int OUTBOUND = 0;
    /** {@code FWP_DIRECTION_INBOUND}. */
    public static final int INBOUND = 1;

    private Direction() { }
}
