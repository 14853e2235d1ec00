package io.calloutd.pipeline;

import io.netty.buffer.ByteBuf;

/**
 * Packets the verdict hook originated (rebuilt stream segments) waiting for the packet being decided to finish: a
 * fixed ring, so queuing allocates nothing. A full ring refuses (the caller releases and counts).
 */
final class HookOutputRing {
    private final ByteBuf[] packets;
    private final Direction[] directions;
    private int head, count;

    HookOutputRing(int capacity) {
        packets = new ByteBuf[capacity];
        directions = new Direction[capacity];
    }

    /** @return false if full */
    boolean offer(ByteBuf packet, Direction d) {
        if (count == packets.length) return false;
        int k = (head + count) % packets.length;
        packets[k] = packet;
        directions[k] = d;
        count++;
        return true;
    }

    boolean isEmpty() { return count == 0; }

    /** Direction of the head packet (call before {@link #poll()}). */
    Direction headDirection() { return directions[head]; }

    /** Removes and returns the head packet (ownership passes to the caller), or null. */
    ByteBuf poll() {
        if (count == 0) return null;
        ByteBuf p = packets[head];
        packets[head] = null;
        directions[head] = null;
        head = (head + 1) % packets.length;
        count--;
        return p;
    }

    /** Releases everything still queued. */
    void clear() {
        ByteBuf p;
        while ((p = poll()) != null) p.release();
    }
}
