package io.calloutd.engine;

import java.util.Map;

/** Immutable open-addressing hash table from a 128-bit key (two longs) to a sorted rank list. */
final class KeyTable {
    private final long[] keyHi;
    private final long[] keyLo;
    private final int[][] values;
    private final int mask;

    KeyTable(Map<Key, int[]> entries) {
        int cap = Integer.highestOneBit(Math.max(4, entries.size() * 2 + 1) - 1) << 1;
        keyHi = new long[cap];
        keyLo = new long[cap];
        values = new int[cap][];
        mask = cap - 1;
        for (Map.Entry<Key, int[]> e : entries.entrySet()) {
            int h = hash(e.getKey().hi, e.getKey().lo) & mask;
            while (values[h] != null) h = (h + 1) & mask;
            keyHi[h] = e.getKey().hi;
            keyLo[h] = e.getKey().lo;
            values[h] = e.getValue();
        }
    }

    /** The rank list for the key, or null. */
    int[] get(long hi, long lo) {
        int h = hash(hi, lo) & mask;
        while (true) {
            int[] v = values[h];
            if (v == null) return null;
            if (keyLo[h] == lo && keyHi[h] == hi) return v;
            h = (h + 1) & mask;
        }
    }

    private static int hash(long hi, long lo) {
        long x = lo * 0x9E3779B97F4A7C15L ^ hi * 0xC2B2AE3D27D4EB4FL;
        return (int) (x ^ (x >>> 29) ^ (x >>> 47));
    }

    /** Build-time key. */
    record Key(long hi, long lo) { }
}
