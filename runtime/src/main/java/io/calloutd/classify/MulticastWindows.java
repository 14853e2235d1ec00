package io.calloutd.classify;

/**
 * The 4-second windows that an outbound multicast or broadcast datagram opens (§1.8, check 57): inbound traffic
 * from any address to the sending socket (local address, port, protocol) is admitted without AUTH_RECV_ACCEPT
 * while the window is open, and only further outbound traffic refreshes it. A small fixed table, scanned
 * linearly (it is only consulted while a window exists); when full, the window closest to expiry is replaced.
 */
final class MulticastWindows {
    static final long WINDOW_NANOS = 4_000_000_000L;

    private final long[] high, low, expires;
    private final int[] portProto;
    private int used;

    MulticastWindows(int capacity) {
        high = new long[capacity];
        low = new long[capacity];
        expires = new long[capacity];
        portProto = new int[capacity];
    }

    /** Opens or refreshes the window of the local socket that sent an outbound multicast/broadcast datagram. */
    void open(long localHigh, long localLow, int localPort, int protocol, long now) {
        int key = localPort << 8 | protocol;
        int victim = 0;
        for (int i = 0; i < used; i++) {
            if (low[i] == localLow && high[i] == localHigh && portProto[i] == key) {
                expires[i] = now + WINDOW_NANOS;
                return;
            }
            if (expires[i] - expires[victim] < 0) victim = i;
        }
        int slot = used < high.length ? used++ : victim;
        high[slot] = localHigh;
        low[slot] = localLow;
        portProto[slot] = key;
        expires[slot] = now + WINDOW_NANOS;
    }

    /** True if an inbound packet to this local socket falls inside an open window. */
    boolean admits(long localHigh, long localLow, int localPort, int protocol, long now) {
        int key = localPort << 8 | protocol;
        for (int i = 0; i < used; i++) {
            if (low[i] == localLow && high[i] == localHigh && portProto[i] == key) {
                return now - expires[i] < 0;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return used == 0;
    }
}
