package io.calloutd.flow;

/**
 * Open-addressing hash index (linear probing, load factor at most 1/2, backward-shift deletion so there are no
 * tombstones) from a {@link FlowKey} to its {@link Flow}. Lookups allocate nothing: the stored hashes are
 * compared first and the flow's key fields only on a hash match.
 */
final class FlowIndex {
    private final Flow[] slots;
    private final int[] hashes;
    private final int mask;

    FlowIndex(int maxFlows) {
        int cap = Integer.highestOneBit(Math.max(2, maxFlows) * 2 - 1) << 1; // >= 2 * maxFlows, power of two
        slots = new Flow[cap];
        hashes = new int[cap];
        mask = cap - 1;
    }

    int capacity() { return slots.length; }

    Flow find(FlowKey k) {
        int h = k.hash;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            Flow f = slots[i];
            if (f == null) {
                return null;
            }
            if (hashes[i] == h && k.matches(f)) {
                return f;
            }
        }
    }

    /** Inserts a flow whose key is not present (the caller checked); the caller bounds the size. */
    void insert(Flow f, int hash) {
        int i = hash & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = f;
        hashes[i] = hash;
    }

    /** Removes this flow (identity); returns false if it is not in the index. */
    boolean remove(Flow f, int hash) {
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            Flow s = slots[i];
            if (s == null) {
                return false;
            }
            if (s == f) {
                removeAt(i);
                return true;
            }
        }
    }

    /** The flow in slot i, or null. */
    Flow at(int i) { return slots[i & mask]; }

    /** Hash stored with the flow in slot i. */
    int hashAt(int i) { return hashes[i & mask]; }

    /** Empties slot i and shifts later members of its probe run back so lookups still find them. */
    void removeAt(int i) {
        i &= mask;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            Flow s = slots[j];
            if (s == null) {
                break;
            }
            int home = hashes[j] & mask;
            // Move s into the hole unless its home lies cyclically in (i, j].
            boolean homeBetween = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!homeBetween) {
                slots[i] = s;
                hashes[i] = hashes[j];
                i = j;
            }
        }
        slots[i] = null;
        hashes[i] = 0;
    }
}
