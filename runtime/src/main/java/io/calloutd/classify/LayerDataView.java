package io.calloutd.classify;

import io.calloutd.callout.InjectionTag;
import io.calloutd.callout.PacketView;
import io.calloutd.engine.Layer;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.pipeline.Direction;

/**
 * The layer data callouts receive: one {@link PacketView} per packet thread, re-positioned for every layer a packet
 * crosses (§1.2), carrying the arrival interface and, for a packet re-entering after an injection, its injection
 * tag (§4.3). Allocation-free.
 */
final class LayerDataView {
    private final PacketView view = new PacketView();
    private final int interfaceIndex;
    private ParsedPacket packet;
    private int direction;
    private InjectionTag tag;
    private boolean aleClassifyRequired;

    LayerDataView(int interfaceIndex) {
        this.interfaceIndex = interfaceIndex;
    }

    /** Remembers the packet about to be walked through the layers. */
    void packet(ParsedPacket p, Direction d, InjectionTag injectionTag) {
        this.packet = p;
        this.direction = d == Direction.OUTBOUND ? io.calloutd.engine.Direction.OUTBOUND : io.calloutd.engine.Direction.INBOUND;
        this.tag = injectionTag;
    }

    /** The view positioned for {@code layer}, or null where that layer has no layer data for this packet. */
    PacketView at(Layer layer) {
        if (packet == null || !view.set(packet, layer, direction)) {
            return null;
        }
        return view.arrival(direction, interfaceIndex, 0).injectionTag(tag).aleClassifyRequired(aleClassifyRequired);
    }

    /** Flags the next views ALE_CLASSIFY_REQUIRED (set around the inbound transport classify of a new flow). */
    void aleClassifyRequired(boolean required) {
        this.aleClassifyRequired = required;
    }

    /** Sets the data path reported by clones' {@link io.calloutd.callout.InjectedPacket#origin()}. */
    void origin(Object o) {
        view.origin(o);
    }
}
