package io.calloutd.stream;

/**
 * Stream data flags ({@code FWPS_STREAM_FLAG_*}, §6.1): on every indication and on stream injections. RECEIVE_* flags
 * mark inbound data (toward the protected host), SEND_* flags outbound data.
 */
public final class StreamFlags {
    /** Inbound data; always set on inbound indications. */
    public static final int RECEIVE = 0x0000_0001;
    /** Inbound urgent data. */
    public static final int RECEIVE_EXPEDITED = 0x0000_0002;
    /** FIN received (a zero-length indication); on injection: FIN after the injected inbound data. */
    public static final int RECEIVE_DISCONNECT = 0x0000_0004;
    /** RST received. */
    public static final int RECEIVE_ABORT = 0x0000_0008;
    /** Injected inbound data is pushed. */
    public static final int RECEIVE_PUSH = 0x0000_0010;
    /** Outbound data; always set on outbound indications. */
    public static final int SEND = 0x0001_0000;
    /** Outbound urgent data. */
    public static final int SEND_EXPEDITED = 0x0002_0000;
    /** The sender asked for no buffering. */
    public static final int SEND_NODELAY = 0x0004_0000;
    /** FIN after this outbound data; on injection: FIN after the injected outbound data. */
    public static final int SEND_DISCONNECT = 0x0008_0000;
    /** RST after this outbound data. */
    public static final int SEND_ABORT = 0x0010_0000;

    /** Either disconnect flag. */
    public static final int ANY_DISCONNECT = RECEIVE_DISCONNECT | SEND_DISCONNECT;

    private StreamFlags() { }

    /** True if {@code flags} marks inbound data. */
    public static boolean isInbound(int flags) {
        return (flags & RECEIVE) != 0;
    }

    /** The direction flag plus, if {@code disconnect}, the matching disconnect flag. */
    public static int of(boolean inbound, boolean disconnect) {
        if (inbound) return disconnect ? RECEIVE | RECEIVE_DISCONNECT : RECEIVE;
        return disconnect ? SEND | SEND_DISCONNECT : SEND;
    }
}
