package io.calloutd.stream;

import io.calloutd.callout.CalloutStatus;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The layer data at STREAM_V4/V6 (the {@code FWPS_STREAM_CALLOUT_IO_PACKET0} analogue, §6.1): the indicated stream
 * bytes with their flags and {@code missedBytes}, and the callout's outputs {@link #setStreamAction},
 * {@link #setCountBytesRequired}, {@link #setCountBytesEnforced}. One reusable instance per packet thread; valid only
 * during the classify call. The bytes are payload only (no headers), contiguous, in stream order, possibly from
 * several TCP segments.
 *
 * <p>Byte accounting (§6.2): PERMIT/BLOCK apply to the first {@code countBytesEnforced} bytes (0 = the whole
 * indication, as stmedit uses it); the rest is indicated again at once. NEED_MORE_DATA waits until the indication
 * holds at least {@code countBytesRequired} bytes (and at least one more than now).
 */
public final class StreamCalloutIo {
    private ByteBuf buf;
    private int start;
    private int length;
    private int flags;
    private long missedBytes;
    private long flowId;
    private StreamControl control;
    private StreamSink injectSink;
    private boolean injectedDisconnect;
    StreamAction streamAction;
    int countBytesRequired;
    int countBytesEnforced;

    StreamCalloutIo() { }

    void set(ByteBuf b, int from, int len, int streamFlags, long missed, long flow, StreamControl ctl, StreamSink below) {
        buf = b;
        start = from;
        length = len;
        flags = streamFlags;
        missedBytes = missed;
        flowId = flow;
        control = ctl;
        injectSink = below;
        injectedDisconnect = false;
        streamAction = StreamAction.NONE;
        countBytesRequired = 0;
        countBytesEnforced = 0;
    }

    void clear() {
        buf = null;
        injectSink = null;
    }

    /** Stream flags ({@link StreamFlags}): direction, and a disconnect on the zero-length FIN indication. */
    public int streamFlags() { return flags; }

    /** True for inbound data (toward the protected host). */
    public boolean isInbound() { return StreamFlags.isInbound(flags); }

    /** True if this is the zero-length indication of a FIN. */
    public boolean isDisconnect() { return (flags & StreamFlags.ANY_DISCONNECT) != 0; }

    /** Number of bytes indicated. */
    public int dataLength() { return length; }

    /** Bytes a higher sublayer removed from the stream since this callout's previous indication. */
    public long missedBytes() { return missedBytes; }

    /** The flow id (for {@link StreamControl}). */
    public long flowId() { return flowId; }

    /** The stream functions for use outside classify (keep it in the flow context). */
    public StreamControl control() { return control; }

    /** Byte {@code i} (0-based) of the indication. */
    public byte byteAt(int i) {
        if (i < 0 || i >= length) throw new IndexOutOfBoundsException(i);
        return buf.getByte(start + i);
    }

    /** Copies {@code len} bytes from indication offset {@code from} into {@code dst} (FwpsCopyStreamDataToBuffer0). */
    public void copyTo(int from, byte[] dst, int dstOffset, int len) {
        if (from < 0 || len < 0 || from + len > length) throw new IndexOutOfBoundsException(from + "+" + len);
        buf.getBytes(start + from, dst, dstOffset, len);
    }

    /** A read-only view of the indicated bytes, valid during classify only (allocates a view object). */
    public ByteBuf data() {
        return buf.slice(start, length).asReadOnly();
    }

    /** The indication as ISO-8859-1 text (allocates; for tests and diagnostics). */
    public String asText() {
        return buf.toString(start, length, StandardCharsets.ISO_8859_1);
    }

    /** First index {@code >= from} where {@code pattern} starts, or -1; a suffix that is a prefix of it is not a match. */
    public int indexOf(byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i + pattern.length <= length; i++) {
            for (int k = 0; k < pattern.length; k++) {
                if (buf.getByte(start + i + k) != pattern[k]) continue outer;
            }
            return i;
        }
        return -1;
    }

    /** Sets the stream action (null = NONE). */
    public void setStreamAction(StreamAction a) { streamAction = a == null ? StreamAction.NONE : a; }

    /** With NEED_MORE_DATA: the number of bytes the next indication must hold at least. */
    public void setCountBytesRequired(int n) { countBytesRequired = Math.max(0, n); }

    /** The number of leading bytes the action applies to; 0 = all. */
    public void setCountBytesEnforced(int n) { countBytesEnforced = Math.max(0, n); }

    /** The stream action set so far. */
    public StreamAction streamAction() { return streamAction; }

    /**
     * Inline stream injection from inside classify (§6.3): the bytes enter the stream right below this callout's
     * sublayer, before the bytes of this indication that it permits; lower sublayers see them, this callout never
     * does. A disconnect flag ({@link StreamFlags#ANY_DISCONNECT}) appends a FIN after them.
     */
    public CalloutStatus inject(byte[] data, int offset, int len, int streamFlags) {
        if (injectSink == null) return CalloutStatus.INVALID_PARAMETER; // outside classify: use control()
        if (StreamFlags.isInbound(streamFlags) != isInbound() || injectedDisconnect) return CalloutStatus.INVALID_PARAMETER;
        if (len > 0) injectSink.bytes(data, offset, len);
        if ((streamFlags & StreamFlags.ANY_DISCONNECT) != 0) {
            injectedDisconnect = true;
            injectSink.disconnect();
        }
        return CalloutStatus.SUCCESS;
    }

    /** {@link #inject(byte[], int, int, int)} of a whole array with this indication's direction flag. */
    public CalloutStatus inject(byte[] data) {
        return inject(data, 0, data.length, flags & (StreamFlags.RECEIVE | StreamFlags.SEND));
    }
}
