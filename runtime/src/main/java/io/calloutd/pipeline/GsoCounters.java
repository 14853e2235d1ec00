package io.calloutd.pipeline;

import io.calloutd.gso.GsoDropReason;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the GSO stage did with frames read from vnet-header TUNs. A super-frame read counts once in the
 * pipeline's {@code packetsIn}; if it is segmented, the super-frame's outcome is {@link #segmented()} and each
 * of its {@link #segments()} then ends like any other packet (reinjected or dropped with a reason).
 */
public final class GsoCounters {
    final LongAdder superFrames = new LongAdder();
    final LongAdder passedWhole = new LongAdder();
    final LongAdder segmented = new LongAdder();
    final LongAdder segments = new LongAdder();
    final LongAdder checksumsCompleted = new LongAdder();
    final LongAdder headerCopies = new LongAdder();
    private final LongAdder drops = new LongAdder();
    private final LongAdder[] byReason = new LongAdder[GsoDropReason.values().length];

    GsoCounters() {
        for (int i = 0; i < byReason.length; i++) {
            byReason[i] = new LongAdder();
        }
    }

    void drop(GsoDropReason reason) {
        drops.increment();
        byReason[reason.ordinal()].increment();
    }

    /** @return GSO super-frames read */
    public long superFrames() { return superFrames.sum(); }
    /** @return super-frames handed back to the kernel whole (the kernel segments them) */
    public long passedWhole() { return passedWhole.sum(); }
    /** @return super-frames segmented in software (the egress cannot take them, or the hook asked) */
    public long segmented() { return segmented.sum(); }
    /** @return segments produced by software segmentation */
    public long segments() { return segments.sum(); }
    /** @return partial (NEEDS_CSUM) checksums completed because the packet left by a path without vnet header */
    public long checksumsCompleted() { return checksumsCompleted.sum(); }
    /** @return packets copied to get room for a vnet header (fragments, ICMP errors, reassembled datagrams) */
    public long headerCopies() { return headerCopies.sum(); }
    /** @return frames refused by the GSO stage */
    public long drops() { return drops.sum(); }
    /** @return frames refused for {@code reason} */
    public long drops(GsoDropReason reason) { return byReason[reason.ordinal()].sum(); }
}
