package io.calloutd.stream;

import io.netty.buffer.ByteBuf;

/** Where the bytes leaving one stream stage (or the last one, toward the wire) go. Packet thread only. */
interface StreamSink {
    /** Appends {@code length} bytes of {@code src} from {@code index} (not consumed from {@code src}). */
    void bytes(ByteBuf src, int index, int length);

    /** Appends {@code length} bytes of {@code src} from {@code offset}. */
    void bytes(byte[] src, int offset, int length);

    /** The stream ends (FIN) after the bytes appended so far. */
    void disconnect();
}
