package io.calloutd.callouts.ddproxy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Flow contexts are 64-bit values; this maps them to objects without allocation on lookup: the value is
 * {@code generation << 32 | (slot + 1)}, so a stale value never finds a newer context in a reused slot.
 * Adds and removes are rare (once per flow) and synchronized; lookups are lock-free.
 */
final class ContextSlots<T> {
    private final AtomicReferenceArray<T> slots;
    private final AtomicIntegerArray generations;
    private int next;
    private int used;

    ContextSlots(int capacity) {
        slots = new AtomicReferenceArray<>(capacity);
        generations = new AtomicIntegerArray(capacity);
    }

    /** Stores {@code t}; returns its context value, or 0 if full. */
    synchronized long add(T t) {
        int n = slots.length();
        for (int i = 0; i < n; i++) {
            int s = (next + i) % n;
            if (slots.get(s) == null) {
                int g = generations.incrementAndGet(s);
                slots.set(s, t);
                next = s + 1;
                used++;
                return (long) g << 32 | (s + 1);
            }
        }
        return 0;
    }

    /** The object for a context value, or null. */
    T get(long context) {
        int s = (int) context - 1;
        if (s < 0 || s >= slots.length()) {
            return null;
        }
        T t = slots.get(s);
        return t != null && generations.get(s) == (int) (context >>> 32) ? t : null;
    }

    /** Removes and returns the object for a context value, or null. */
    synchronized T remove(long context) {
        T t = get(context);
        if (t != null) {
            slots.set((int) context - 1, null);
            used--;
        }
        return t;
    }

    synchronized int size() {
        return used;
    }
}
