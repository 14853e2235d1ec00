package io.calloutd.callout;

import java.util.UUID;

/**
 * Snapshot of one callout's classify statistics.
 *
 * @param calloutId         run-time id
 * @param key               callout key
 * @param name              display name
 * @param invocations       classify calls (skipped CONDITIONAL_ON_FLOW calls excluded)
 * @param totalNanos        summed classify time
 * @param maxNanos          slowest single call
 * @param overruns          calls over the budget
 * @param failures          calls that threw
 * @param skipped           calls skipped because CONDITIONAL_ON_FLOW found no flow context
 * @param offsetViolations  calls that returned with the layer data offset moved (restored by the runtime, §2.2)
 */
public record CalloutTiming(int calloutId, UUID key, String name, long invocations, long totalNanos, long maxNanos,
                            long overruns, long failures, long skipped, long offsetViolations) {
    /** Mean classify time, 0 if never called. */
    public long meanNanos() { return invocations == 0 ? 0 : totalNanos / invocations; }
}
