package io.calloutd.capture;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A bounded lock-free ring of packet copies from many packet threads to one writer thread (a Vyukov bounded
 * queue): a producer claims a slot with one CAS, copies the bytes into the slot's reused array and publishes it;
 * a full ring refuses at once. No locks and, once every slot's array has grown to the packets it sees, no
 * allocation.
 */
final class CaptureRing {
    /** One queued packet; the arrays are reused. */
    static final class Slot {
        byte[] data;
        int captured;
        int originalLength;
        long timeNanos;
        /** The note the producer attached; a constant or reused object, formatted by the writer. */
        CaptureNote note;
        long filterId;
        Enum<?> layer;
        Enum<?> direction;

        Slot(int initial) {
            data = new byte[initial];
        }
    }

    private final Slot[] slots;
    private final AtomicLongArray sequence;
    private final int mask;
    private final int snapLen;
    private final AtomicLong tail = new AtomicLong();
    private long head; // consumer only

    CaptureRing(int capacity, int snapLen) {
        int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        this.slots = new Slot[size];
        this.sequence = new AtomicLongArray(size);
        this.mask = size - 1;
        this.snapLen = snapLen;
        for (int i = 0; i < size; i++) {
            slots[i] = new Slot(Math.min(snapLen, 2048));
            sequence.set(i, i);
        }
    }

    /** @return the slot count (a power of two at least the capacity asked for) */
    int capacity() {
        return slots.length;
    }

    /**
     * Copies {@code length} bytes of {@code buf} from {@code index} (cut to the snap length) into a free slot.
     *
     * @return false if the ring is full
     */
    boolean offer(ByteBuf buf, int index, int length, long timeNanos, CaptureNote note, Enum<?> layer, long filterId,
                  Enum<?> direction) {
        long pos;
        Slot s;
        while (true) {
            pos = tail.get();
            int i = (int) pos & mask;
            long seq = sequence.get(i);
            if (seq == pos) {
                if (tail.compareAndSet(pos, pos + 1)) {
                    s = slots[i];
                    break;
                }
            } else if (seq < pos) {
                return false; // the writer has not freed this slot yet: full
            }
            // else another producer took pos: retry with the new tail
        }
        int captured = Math.min(length, snapLen);
        if (s.data.length < captured) {
            s.data = new byte[Math.max(captured, Math.min(snapLen, s.data.length * 2))]; // grows once per size class
        }
        buf.getBytes(index, s.data, 0, captured);
        s.captured = captured;
        s.originalLength = length;
        s.timeNanos = timeNanos;
        s.note = note;
        s.layer = layer;
        s.filterId = filterId;
        s.direction = direction;
        sequence.set((int) pos & mask, pos + 1); // publish
        return true;
    }

    /** @return the next published slot, or null if none; hand it back with {@link #release} */
    Slot poll() {
        int i = (int) head & mask;
        return sequence.get(i) == head + 1 ? slots[i] : null;
    }

    /** Frees the slot {@link #poll} returned. */
    void release() {
        int i = (int) head & mask;
        slots[i].note = null;
        sequence.set(i, head + slots.length);
        head++;
    }
}
