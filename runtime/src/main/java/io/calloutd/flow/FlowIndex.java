package io.calloutd.flow;

/**
 * Open-addressing hash index (linear probing, load factor at most 1/2, backward-shift deletion so there are no
 * tombstones) from a {@link FlowKey} to its {@link Flow}. Lookups allocate nothing: the stored hashes are
 * compared first and the flow's key fields only on a hash match. A redirected flow has a second entry, its alias
 * (the tuple its packets carry on the wire after translation), so replies to the translated tuple find it too.
 */
final class FlowIndex {
    private final Flow[] slots;
    private final int[] hashes;
    /** True where the slot holds a flow's alias (its translated tuple) rather than its own key. */
    private final boolean[] aliases;
    private final int mask;
    /** Whether the last successful {@link #find} matched an alias entry. */
    boolean lastFoundAlias;

    FlowIndex(int maxFlows) {
        int cap = Integer.highestOneBit(Math.max(2, maxFlows) * 2 - 1) << 1; // >= 2 * maxFlows, power of two
        slots = new Flow[cap];
        hashes = new int[cap];
        aliases = new boolean[cap];
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
            if (hashes[i] == h && (aliases[i] ? k.matchesAlias(f) : k.matches(f))) {
                lastFoundAlias = aliases[i];
                return f;
            }
        }
    }

    /** Inserts a flow whose key is not present (the caller checked); the caller bounds the size. */
    void insert(Flow f, int hash) {
        insert(f, hash, false);
    }

    /** Inserts a flow's own key ({@code alias} false) or its alias entry. */
    void insert(Flow f, int hash, boolean alias) {
        int i = hash & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = f;
        hashes[i] = hash;
        aliases[i] = alias;
    }

    /** Removes this flow (identity); returns false if it is not in the index. */
    boolean remove(Flow f, int hash) {
        return remove(f, hash, false);
    }

    /** Removes this flow's own entry ({@code alias} false) or its alias entry; false if absent. */
    boolean remove(Flow f, int hash, boolean alias) {
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            Flow s = slots[i];
            if (s == null) {
                return false;
            }
            if (s == f && aliases[i] == alias) {
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
                aliases[i] = aliases[j];
                i = j;
            }
        }
        slots[i] = null;
        hashes[i] = 0;
        aliases[i] = false;
    }
}
