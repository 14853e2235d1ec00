package io.calloutd.callouts.ratelimit;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A bounded table of token buckets keyed by an address (two longs), lock-free and allocation-free per call:
 * 4-way set-associative over {@link AtomicLongArray}s; a bucket's state is one long (milli-tokens in the upper 30
 * bits, last refill in milliseconds in the lower 34) updated by CAS. A new source takes an empty way of its set or
 * evicts the way refilled longest ago (counted), starting with a full bucket. Under concurrent packet threads the
 * key and state of a slot being replaced are written one after the other, so a racing lookup may briefly use the
 * previous source's bucket: the limit is approximate then, never unsafe.
 */
final class TokenBuckets {
    private static final int WAYS = 4;
    private static final int TIME_BITS = 34;
    private static final long TIME_MASK = (1L << TIME_BITS) - 1;
    /** Largest burst: milli-tokens must fit the 30 upper bits. */
    static final long MAX_BURST = ((1L << (64 - TIME_BITS)) - 1) / 1000;

    private final int setMask;
    private final AtomicLongArray keys, state;
    private final long rate, burstMilli;
    private final LongSupplier nanos;
    private final long origin;
    private final LongAdder evictions = new LongAdder(), inserted = new LongAdder();

    /**
     * @param capacity sources tracked at most (rounded up to a power of two, at least 4)
     * @param rate     tokens per second (= milli-tokens per millisecond)
     * @param burst    bucket size in tokens (1..{@link #MAX_BURST})
     * @param nanos    monotonic clock
     */
    TokenBuckets(int capacity, long rate, long burst, LongSupplier nanos) {
        int slots = WAYS;
        while (slots < capacity) slots <<= 1;
        this.setMask = slots / WAYS - 1;
        this.keys = new AtomicLongArray(2 * slots);
        this.state = new AtomicLongArray(slots);
        this.rate = rate;
        this.burstMilli = burst * 1000;
        this.nanos = nanos;
        this.origin = nanos.getAsLong();
    }

    /** Slots in the table. */
    int capacity() { return state.length(); }

    /** Takes one token from the bucket of (hi, lo); false if it is empty. */
    boolean tryAcquire(long hi, long lo) {
        long now = ((nanos.getAsLong() - origin) / 1_000_000 + 1) & TIME_MASK; // +1: state 0 means empty
        int base = (mix(hi, lo) & setMask) * WAYS;
        int empty = -1, victim = -1;
        long maxAge = -1;
        for (int w = 0; w < WAYS; w++) {
            int slot = base + w;
            long st = state.get(slot);
            if (st == 0) {
                if (empty < 0) empty = slot;
                continue;
            }
            if (keys.get(2 * slot) == hi && keys.get(2 * slot + 1) == lo) return consume(slot, now);
            long age = (now - (st & TIME_MASK)) & TIME_MASK;
            if (age > maxAge) {
                maxAge = age;
                victim = slot;
            }
        }
        if (empty >= 0) {
            victim = empty;
        } else {
            evictions.increment();
        }
        inserted.increment();
        keys.set(2 * victim, hi);
        keys.set(2 * victim + 1, lo);
        state.set(victim, pack(burstMilli - 1000, now));
        return true;
    }

    private boolean consume(int slot, long now) {
        while (true) {
            long st = state.get(slot);
            long elapsed = (now - (st & TIME_MASK)) & TIME_MASK;
            long tokens = Math.min(burstMilli, (st >>> TIME_BITS) + elapsed * rate);
            boolean ok = tokens >= 1000;
            if (state.compareAndSet(slot, st, pack(ok ? tokens - 1000 : tokens, now))) return ok;
        }
    }

    private static long pack(long milliTokens, long timeMs) {
        return milliTokens << TIME_BITS | (timeMs & TIME_MASK);
    }

    private static int mix(long hi, long lo) {
        long h = (hi * 0x9E3779B97F4A7C15L) ^ lo;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 31) ^ (h >>> 47));
    }

    /** Sources currently holding a slot. */
    int sources() {
        int n = 0;
        for (int i = 0; i < state.length(); i++) if (state.get(i) != 0) n++;
        return n;
    }

    /** Sources that took the slot of another (the table was full for their set). */
    long evictions() { return evictions.sum(); }

    /** Sources that got a slot. */
    long inserted() { return inserted.sum(); }
}
