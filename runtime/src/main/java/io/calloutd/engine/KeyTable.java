package io.calloutd.engine;

import java.util.Map;

/**
 * Immutable open-addressing hash table from a masked 128-bit field value (two longs) to a pool offset: the
 * masked-key probe of {@link FilterIndex} for one (field, type, mask).
 */
final class KeyTable {
    final int field, type;
    final long maskHi, maskLo;
    private final long[] keyHi;
    private final long[] keyLo;
    /** Value + 1; 0 = empty slot. */
    private final int[] values;
    private final int mask;

    KeyTable(int field, int type, long maskHi, long maskLo, Map<Key, Integer> entries) {
        this.field = field;
        this.type = type;
        this.maskHi = maskHi;
        this.maskLo = maskLo;
        int cap = Integer.highestOneBit(Math.max(4, entries.size() * 2 + 1) - 1) << 1;
        keyHi = new long[cap];
        keyLo = new long[cap];
        values = new int[cap];
        mask = cap - 1;
        for (Map.Entry<Key, Integer> e : entries.entrySet()) {
            if (e.getValue() < 0) continue;
            int h = hash(e.getKey().hi, e.getKey().lo) & mask;
            while (values[h] != 0) h = (h + 1) & mask;
            keyHi[h] = e.getKey().hi;
            keyLo[h] = e.getKey().lo;
            values[h] = e.getValue() + 1;
        }
    }

    /** The value for the key, or -1. */
    int get(long hi, long lo) {
        int h = hash(hi, lo) & mask;
        while (true) {
            int v = values[h];
            if (v == 0) return -1;
            if (keyLo[h] == lo && keyHi[h] == hi) return v - 1;
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
