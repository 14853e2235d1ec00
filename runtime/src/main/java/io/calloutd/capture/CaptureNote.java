package io.calloutd.capture;

/**
 * Why a packet was captured, as the pcapng comment says it. Producers pass a long-lived instance (no allocation on
 * the packet thread); the writer thread formats it with the layer, filter and direction the producer gave.
 */
@FunctionalInterface
public interface CaptureNote {
    /** Dropped by the policy. */
    CaptureNote DROP = (layer, filterId, direction) -> "drop" + details(layer, filterId, direction);
    /** Copied by an inspection callout. */
    CaptureNote INSPECTED = (layer, filterId, direction) -> "inspected" + details(layer, filterId, direction);

    /**
     * @param layer     the layer (null if none)
     * @param filterId  the filter id (0 if none)
     * @param direction the direction (null if unknown)
     * @return the comment text
     */
    String format(Enum<?> layer, long filterId, Enum<?> direction);

    /** " layer=X filter=N direction=D", leaving out what is absent. */
    static String details(Enum<?> layer, long filterId, Enum<?> direction) {
        StringBuilder b = new StringBuilder();
        if (layer != null) b.append(" layer=").append(layer.name());
        if (filterId != 0) b.append(" filter=").append(filterId);
        if (direction != null) b.append(" direction=").append(direction.name());
        return b.toString();
    }
}
