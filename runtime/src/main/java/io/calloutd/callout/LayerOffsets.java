package io.calloutd.callout;

import io.calloutd.engine.Direction;
import io.calloutd.engine.Layer;

/**
 * Where the layer data of each layer begins (the data-offset table of §1.2), measured from the start of the IP
 * header. Discard layers use their main layer's position.
 */
public final class LayerOffsets {
    /** Returned by {@link #dataOffset} when the layer has no layer data (null layerData in WFP). */
    public static final int NO_LAYER_DATA = -1;
    private static final int TCP = 6;

    private LayerOffsets() { }

    /**
     * Offset of the layer data from the IP header start, or {@link #NO_LAYER_DATA}.
     *
     * @param layer               the layer being classified
     * @param direction           {@link Direction#INBOUND} or {@link Direction#OUTBOUND} (matters at bidirectional layers)
     * @param transportProtocol   IP protocol number of the packet
     * @param ipHeaderSize        IP header bytes, extension headers included
     * @param transportHeaderSize transport header bytes (8 for ICMP/UDP)
     */
    public static int dataOffset(Layer layer, int direction, int transportProtocol, int ipHeaderSize, int transportHeaderSize) {
        Layer main = layer.isDiscard() ? layer.mainLayer() : layer;
        String n = main.name();
        boolean in = direction == Direction.INBOUND;
        int transport = ipHeaderSize, payload = ipHeaderSize + transportHeaderSize;
        if (n.startsWith("INBOUND_IPPACKET")) return transport;
        if (n.startsWith("OUTBOUND_IPPACKET") || n.startsWith("IPFORWARD")) return 0;
        if (n.startsWith("INBOUND_TRANSPORT")) return payload;
        if (n.startsWith("OUTBOUND_TRANSPORT")) return transport;
        if (n.startsWith("INBOUND_ICMP_ERROR")) return payload; // the embedded (inner) IP header
        if (n.startsWith("OUTBOUND_ICMP_ERROR")) return transport;
        if (n.startsWith("ALE_AUTH_CONNECT") && transportProtocol == TCP) return NO_LAYER_DATA; // connect() has no packet
        if (n.startsWith("DATAGRAM_DATA") || n.startsWith("ALE_AUTH_")
                || n.startsWith("ALE_FLOW_ESTABLISHED")) return in ? payload : transport;
        return NO_LAYER_DATA; // STREAM (own I/O packet), redirect and closure layers
    }
}
