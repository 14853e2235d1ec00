package io.calloutd.flow;

/**
 * Intrusive doubly linked list (through {@link Flow#prev}/{@link Flow#next}) of the flows a full table may drop:
 * ended, lingering flows at the front (cheapest to drop), then unconfirmed flows in creation order. Confirmed,
 * live flows are not listed. No allocation.
 */
final class EvictionOrder {
    private Flow head, tail;

    /** The next flow to drop, or null if none is evictable. */
    Flow first() { return head; }

    /** Appends a new unconfirmed flow (the newest goes last). */
    void append(Flow f) {
        f.prev = tail;
        f.next = null;
        if (tail != null) {
            tail.next = f;
        } else {
            head = f;
        }
        tail = f;
        f.listed = true;
    }

    /** Puts an ended, lingering flow at the front. */
    void push(Flow f) {
        f.prev = null;
        f.next = head;
        if (head != null) {
            head.prev = f;
        } else {
            tail = f;
        }
        head = f;
        f.listed = true;
    }

    /** Removes the flow if it is listed. */
    void unlink(Flow f) {
        if (!f.listed) {
            return;
        }
        if (f.prev != null) {
            f.prev.next = f.next;
        } else {
            head = f.next;
        }
        if (f.next != null) {
            f.next.prev = f.prev;
        } else {
            tail = f.prev;
        }
        f.prev = f.next = null;
        f.listed = false;
    }
}
