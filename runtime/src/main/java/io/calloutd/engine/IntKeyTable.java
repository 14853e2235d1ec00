package io.calloutd.engine;

import java.util.Map;

/** Immutable open-addressing hash table from a 32-bit key to a non-negative int (a rank-pool offset). */
final class IntKeyTable {
    /** Each slot: key in the high half, value + 1 in the low half; 0 = empty. One array, one cache line per probe. */
    private final long[] slots;
    private final int mask;

    IntKeyTable(Map<Integer, Integer> entries) {
        int cap = Integer.highestOneBit(Math.max(4, entries.size() * 2 + 1) - 1) << 1;
        slots = new long[cap];
        mask = cap - 1;
        for (Map.Entry<Integer, Integer> e : entries.entrySet()) {
            int k = e.getKey();
            int h = hash(k) & mask;
            while (slots[h] != 0) h = (h + 1) & mask;
            slots[h] = (long) k << 32 | (e.getValue() + 1L);
        }
    }

    /** The value for {@code key}, or -1. */
    int get(int key) {
        int h = hash(key) & mask;
        while (true) {
            long s = slots[h];
            if (s == 0) return -1;
            if ((int) (s >>> 32) == key) return (int) s - 1;
            h = (h + 1) & mask;
        }
    }

    private static int hash(int k) {
        int x = k * 0x9E3779B1;
        return x ^ (x >>> 15);
    }
}
