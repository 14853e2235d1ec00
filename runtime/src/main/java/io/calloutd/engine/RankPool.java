package io.calloutd.engine;

import java.util.Arrays;

/**
 * Build-time store of rank lists, frozen into one int array so that a lookup yields an offset, not an object:
 * {@code pool[off]} is the list length, the ranks follow in ascending (arbitration) order.
 */
final class RankPool {
    private int[][] lists = new int[16][];
    private int[] sizes = new int[16];
    private int count;

    /** A new empty list; returns its id. */
    int newList() {
        if (count == lists.length) {
            lists = Arrays.copyOf(lists, count * 2);
            sizes = Arrays.copyOf(sizes, count * 2);
        }
        lists[count] = new int[2];
        return count++;
    }

    /** Appends {@code rank} to list {@code id}; ranks arrive ascending, a repeat of the last one is dropped. */
    void add(int id, int rank) {
        int n = sizes[id];
        int[] a = lists[id];
        if (n > 0 && a[n - 1] == rank) return;
        if (n == a.length) lists[id] = a = Arrays.copyOf(a, n * 2);
        a[n] = rank;
        sizes[id] = n + 1;
    }

    /** Freezes all lists; {@code offsets[id]} receives each list's offset in the returned pool. */
    int[] freeze(int[] offsets) {
        int total = 0;
        for (int i = 0; i < count; i++) total += sizes[i] + 1;
        int[] pool = new int[total];
        int off = 0;
        for (int i = 0; i < count; i++) {
            offsets[i] = off;
            pool[off++] = sizes[i];
            System.arraycopy(lists[i], 0, pool, off, sizes[i]);
            off += sizes[i];
        }
        return pool;
    }

    int size() { return count; }
}
