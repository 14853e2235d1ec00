package io.calloutd.flow;

import io.calloutd.pipeline.Direction;

/**
 * Implemented by a flow's {@linkplain Flow#attachment() attachment} that renumbers a direction's bytes in flight (the
 * stream layer after a length-changing edit, §6.7 b). The tracker reads each FIN's sequence number as its sender
 * sent it; a receiver's acknowledgement counts the renumbered bytes it got, so the table asks the attachment to
 * translate it back into the sender's numbering before it checks whether a FIN is acknowledged. Without that, an
 * edited connection would close late (shrunk stream) or early (grown stream).
 */
public interface TcpAckTranslator {
    /**
     * The acknowledgement number {@code ack} of a segment travelling in {@code d}, in the sequence space of the
     * sender of the acknowledged bytes (the identity for a direction nothing renumbered). Packet thread; no allocation.
     */
    int ackInSenderSpace(Direction d, int ack);
}
