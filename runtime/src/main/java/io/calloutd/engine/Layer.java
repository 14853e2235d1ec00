package io.calloutd.engine;

import java.util.Collections;
import java.util.Set;

/**
 * Run-time filtering layers supported by the port (mission M-20, §1.2). Every layer exists as V4 and V6; most
 * have a {@code _DISCARD} twin that is classified with the dropped packet and a {@link DiscardReason}
 * (§1.6.6). Layers WFP has but a TUN engine cannot trigger are listed in {@link UnsupportedLayer}.
 */
public enum Layer {
    INBOUND_IPPACKET_V4(LayerKind.INBOUND_IPPACKET, false, false),
    INBOUND_IPPACKET_V4_DISCARD(LayerKind.INBOUND_IPPACKET, false, true),
    INBOUND_IPPACKET_V6(LayerKind.INBOUND_IPPACKET, true, false),
    INBOUND_IPPACKET_V6_DISCARD(LayerKind.INBOUND_IPPACKET, true, true),
    OUTBOUND_IPPACKET_V4(LayerKind.OUTBOUND_IPPACKET, false, false),
    OUTBOUND_IPPACKET_V4_DISCARD(LayerKind.OUTBOUND_IPPACKET, false, true),
    OUTBOUND_IPPACKET_V6(LayerKind.OUTBOUND_IPPACKET, true, false),
    OUTBOUND_IPPACKET_V6_DISCARD(LayerKind.OUTBOUND_IPPACKET, true, true),
    IPFORWARD_V4(LayerKind.IPFORWARD, false, false),
    IPFORWARD_V4_DISCARD(LayerKind.IPFORWARD, false, true),
    IPFORWARD_V6(LayerKind.IPFORWARD, true, false),
    IPFORWARD_V6_DISCARD(LayerKind.IPFORWARD, true, true),
    INBOUND_TRANSPORT_V4(LayerKind.INBOUND_TRANSPORT, false, false),
    INBOUND_TRANSPORT_V4_DISCARD(LayerKind.INBOUND_TRANSPORT, false, true),
    INBOUND_TRANSPORT_V6(LayerKind.INBOUND_TRANSPORT, true, false),
    INBOUND_TRANSPORT_V6_DISCARD(LayerKind.INBOUND_TRANSPORT, true, true),
    OUTBOUND_TRANSPORT_V4(LayerKind.OUTBOUND_TRANSPORT, false, false),
    OUTBOUND_TRANSPORT_V4_DISCARD(LayerKind.OUTBOUND_TRANSPORT, false, true),
    OUTBOUND_TRANSPORT_V6(LayerKind.OUTBOUND_TRANSPORT, true, false),
    OUTBOUND_TRANSPORT_V6_DISCARD(LayerKind.OUTBOUND_TRANSPORT, true, true),
    DATAGRAM_DATA_V4(LayerKind.DATAGRAM_DATA, false, false),
    DATAGRAM_DATA_V4_DISCARD(LayerKind.DATAGRAM_DATA, false, true),
    DATAGRAM_DATA_V6(LayerKind.DATAGRAM_DATA, true, false),
    DATAGRAM_DATA_V6_DISCARD(LayerKind.DATAGRAM_DATA, true, true),
    /** Stream layer; its discard twin is reserved in WFP and therefore absent (see {@link UnsupportedLayer}). */
    STREAM_V4(LayerKind.STREAM, false, false),
    STREAM_V6(LayerKind.STREAM, true, false),
    INBOUND_ICMP_ERROR_V4(LayerKind.INBOUND_ICMP_ERROR, false, false),
    INBOUND_ICMP_ERROR_V4_DISCARD(LayerKind.INBOUND_ICMP_ERROR, false, true),
    INBOUND_ICMP_ERROR_V6(LayerKind.INBOUND_ICMP_ERROR, true, false),
    INBOUND_ICMP_ERROR_V6_DISCARD(LayerKind.INBOUND_ICMP_ERROR, true, true),
    OUTBOUND_ICMP_ERROR_V4(LayerKind.OUTBOUND_ICMP_ERROR, false, false),
    OUTBOUND_ICMP_ERROR_V4_DISCARD(LayerKind.OUTBOUND_ICMP_ERROR, false, true),
    OUTBOUND_ICMP_ERROR_V6(LayerKind.OUTBOUND_ICMP_ERROR, true, false),
    OUTBOUND_ICMP_ERROR_V6_DISCARD(LayerKind.OUTBOUND_ICMP_ERROR, true, true),
    ALE_AUTH_CONNECT_V4(LayerKind.ALE_AUTH_CONNECT, false, false),
    ALE_AUTH_CONNECT_V4_DISCARD(LayerKind.ALE_AUTH_CONNECT, false, true),
    ALE_AUTH_CONNECT_V6(LayerKind.ALE_AUTH_CONNECT, true, false),
    ALE_AUTH_CONNECT_V6_DISCARD(LayerKind.ALE_AUTH_CONNECT, true, true),
    ALE_AUTH_RECV_ACCEPT_V4(LayerKind.ALE_AUTH_RECV_ACCEPT, false, false),
    ALE_AUTH_RECV_ACCEPT_V4_DISCARD(LayerKind.ALE_AUTH_RECV_ACCEPT, false, true),
    ALE_AUTH_RECV_ACCEPT_V6(LayerKind.ALE_AUTH_RECV_ACCEPT, true, false),
    ALE_AUTH_RECV_ACCEPT_V6_DISCARD(LayerKind.ALE_AUTH_RECV_ACCEPT, true, true),
    ALE_FLOW_ESTABLISHED_V4(LayerKind.ALE_FLOW_ESTABLISHED, false, false),
    ALE_FLOW_ESTABLISHED_V4_DISCARD(LayerKind.ALE_FLOW_ESTABLISHED, false, true),
    ALE_FLOW_ESTABLISHED_V6(LayerKind.ALE_FLOW_ESTABLISHED, true, false),
    ALE_FLOW_ESTABLISHED_V6_DISCARD(LayerKind.ALE_FLOW_ESTABLISHED, true, true),
    ALE_CONNECT_REDIRECT_V4(LayerKind.ALE_CONNECT_REDIRECT, false, false),
    ALE_CONNECT_REDIRECT_V6(LayerKind.ALE_CONNECT_REDIRECT, true, false),
    ALE_BIND_REDIRECT_V4(LayerKind.ALE_BIND_REDIRECT, false, false),
    ALE_BIND_REDIRECT_V6(LayerKind.ALE_BIND_REDIRECT, true, false),
    ALE_ENDPOINT_CLOSURE_V4(LayerKind.ALE_ENDPOINT_CLOSURE, false, false),
    ALE_ENDPOINT_CLOSURE_V6(LayerKind.ALE_ENDPOINT_CLOSURE, true, false);

    /** All layers by ordinal (cached because {@code values()} allocates). */
    static final Layer[] ALL = values();

    private final LayerKind kind;
    private final boolean ipv6;
    private final boolean discard;
    private Layer twin;

    static {
        for (Layer l : ALL) {
            for (Layer m : ALL) {
                if (m.kind == l.kind && m.ipv6 == l.ipv6 && m.discard != l.discard) l.twin = m;
            }
        }
    }

    Layer(LayerKind kind, boolean ipv6, boolean discard) {
        this.kind = kind;
        this.ipv6 = ipv6;
        this.discard = discard;
    }

    /** True for V6 layers (address fields are {@link ValueType#BYTE_ARRAY16}). */
    public boolean isV6() { return ipv6; }

    /** True for {@code *_DISCARD} layers. */
    public boolean isDiscard() { return discard; }

    /** The {@code *_DISCARD} twin of a main layer, or null if it has none (or this is a discard layer). */
    public Layer discardTwin() { return discard ? null : twin; }

    /** The main layer of a discard layer, or null for a main layer. */
    public Layer mainLayer() { return discard ? twin : null; }

    /** The classifiable fields of this layer (its schema, §1.3); the same for a layer and its discard twin. */
    public Set<Field> fields() { return Collections.unmodifiableSet(kind.schema); }

    /** True if conditions on {@code f} are legal at this layer. */
    public boolean hasField(Field f) { return kind.schema.contains(f); }

    /** Type of field {@code f} at this layer (address fields depend on the IP version). */
    public ValueType typeOf(Field f) { return f.type(ipv6); }

    /** True if a callout may set ABSORB here (§2.4: never at discard layers). */
    public boolean allowsAbsorb() { return !discard; }
}
