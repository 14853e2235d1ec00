package io.calloutd.fragment;

/**
 * Pending datagrams by key (open addressing, linear probing, backward-shift deletion: lookups allocate
 * nothing), plus one age list per address family. Both lists are also deadline order because each
 * family has a single timeout. Released entries go to a free list for reuse.
 */
final class DatagramTable {
    private final PendingDatagram[] slots;
    private final int mask;
    private final int maxFragments;
    private final PendingDatagram[] free;
    private int freeCount;
    private int size;
    // index 0: IPv4, index 1: IPv6
    private final PendingDatagram[] oldest = new PendingDatagram[2];
    private final PendingDatagram[] newest = new PendingDatagram[2];

    DatagramTable(int maxDatagrams, int maxFragments) {
        int cap = Integer.highestOneBit(Math.max(4, maxDatagrams * 2 - 1)) << 1;
        slots = new PendingDatagram[cap];
        mask = cap - 1;
        this.maxFragments = maxFragments;
        free = new PendingDatagram[maxDatagrams];
    }

    int size() {
        return size;
    }

    static int hash(ParsedFragment f) {
        long h = f.srcLo * 0x9E3779B97F4A7C15L;
        h ^= f.dstLo * 0xC2B2AE3D27D4EB4FL;
        h ^= (f.srcHi ^ Long.rotateLeft(f.dstHi, 17)) * 0x165667B19E3779F9L;
        h ^= ((long) f.id << 8 | (f.protocol & 0xff)) * 0x27D4EB2F165667C5L;
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }

    PendingDatagram find(ParsedFragment f, int h) {
        int i = h & mask;
        PendingDatagram d;
        while ((d = slots[i]) != null) {
            if (d.matches(f, h)) {
                return d;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Adds a new datagram; the caller guarantees size &lt; maxDatagrams. */
    PendingDatagram add(ParsedFragment f, int h, long now, long timeoutNanos) {
        PendingDatagram d = freeCount > 0 ? free[--freeCount] : new PendingDatagram(maxFragments);
        free[freeCount] = null;
        d.init(f, h, now, timeoutNanos);
        int i = h & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = d;
        size++;
        int list = f.family == 4 ? 0 : 1;
        d.older = newest[list];
        d.newer = null;
        if (newest[list] != null) {
            newest[list].newer = d;
        } else {
            oldest[list] = d;
        }
        newest[list] = d;
        return d;
    }

    /** Removes {@code d} from the table and its age list and returns it to the pool (buffers already released). */
    void remove(PendingDatagram d) {
        int i = d.hash & mask;
        while (slots[i] != d) {
            i = (i + 1) & mask;
        }
        slots[i] = null;
        // Backward-shift: move later entries of the probe run into the hole so lookups stay correct.
        int hole = i;
        int j = (i + 1) & mask;
        PendingDatagram e;
        while ((e = slots[j]) != null) {
            int home = e.hash & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                slots[hole] = e;
                slots[j] = null;
                hole = j;
            }
            j = (j + 1) & mask;
        }
        size--;
        int list = d.family == 4 ? 0 : 1;
        if (d.older != null) {
            d.older.newer = d.newer;
        } else {
            oldest[list] = d.newer;
        }
        if (d.newer != null) {
            d.newer.older = d.older;
        } else {
            newest[list] = d.older;
        }
        d.older = null;
        d.newer = null;
        free[freeCount++] = d;
    }

    /** Oldest datagram of either family, or null when empty. */
    PendingDatagram oldest() {
        PendingDatagram a = oldest[0];
        PendingDatagram b = oldest[1];
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.createdNanos - b.createdNanos <= 0 ? a : b;
    }

    /** Oldest datagram of a family (0 = IPv4, 1 = IPv6), or null. */
    PendingDatagram oldest(int list) {
        return oldest[list];
    }
}
