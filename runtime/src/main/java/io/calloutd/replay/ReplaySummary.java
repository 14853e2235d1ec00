package io.calloutd.replay;

import java.util.Map;
import java.util.TreeMap;

/** Counts over a replay: per outcome, per deciding layer and per deciding filter (blocks and permits). */
public final class ReplaySummary {
    private long packets;
    private final Map<String, Long> verdicts = new TreeMap<>();
    private final Map<String, Long> blocksByLayer = new TreeMap<>();
    private final Map<String, Long> blocksByFilter = new TreeMap<>();
    private final Map<String, Long> permitsByFilter = new TreeMap<>();

    void add(PacketVerdict v) {
        packets++;
        verdicts.merge(v.verdict().name(), 1L, Long::sum);
        String filter = v.filterId() == 0 ? "default" : v.filterId() + (v.filterName() == null ? "" : ":" + v.filterName());
        if (v.verdict() == PacketVerdict.Outcome.BLOCK) {
            blocksByLayer.merge(v.layer() == null ? "none" : v.layer(), 1L, Long::sum);
            blocksByFilter.merge(filter, 1L, Long::sum);
        } else if (v.verdict() == PacketVerdict.Outcome.PERMIT) {
            permitsByFilter.merge(filter, 1L, Long::sum);
        }
    }

    /** @return packets read from the capture */
    public long packets() { return packets; }

    /** @return packets per outcome name */
    public Map<String, Long> verdicts() { return Map.copyOf(verdicts); }

    /** @return blocked packets per blocking layer */
    public Map<String, Long> blocksByLayer() { return Map.copyOf(blocksByLayer); }

    /** @return blocked packets per filter ("id:name", or "default" for the default verdict) */
    public Map<String, Long> blocksByFilter() { return Map.copyOf(blocksByFilter); }

    /** @return permitted packets per deciding filter ("id:name", or "default") */
    public Map<String, Long> permitsByFilter() { return Map.copyOf(permitsByFilter); }

    /** @return the count of one outcome */
    public long count(PacketVerdict.Outcome o) { return verdicts.getOrDefault(o.name(), 0L); }
}
