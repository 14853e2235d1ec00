package io.calloutd.engine;

/**
 * Classifiable field keys (the {@code FWPM_CONDITION_*} analogue, §1.3). Each field has one fixed value type;
 * address fields are {@link ValueType#UINT32} (host order) at V4 layers and {@link ValueType#BYTE_ARRAY16} at V6
 * layers. Which fields a layer offers is given by {@link Layer#hasField(Field)}.
 *
 * <p>Fields marked "port extension" do not exist in WFP; the port adds them because M-21 asks for built-in
 * conditions on them.
 */
public enum Field {
    IP_PROTOCOL(ValueType.UINT8),
    IP_LOCAL_ADDRESS(null),
    IP_REMOTE_ADDRESS(null),
    /** Forward layer: source address. */
    IP_SOURCE_ADDRESS(null),
    /** Forward layer: destination address. */
    IP_DESTINATION_ADDRESS(null),
    IP_LOCAL_ADDRESS_TYPE(ValueType.UINT8),
    IP_DESTINATION_ADDRESS_TYPE(ValueType.UINT8),
    IP_LOCAL_PORT(ValueType.UINT16),
    IP_REMOTE_PORT(ValueType.UINT16),
    /** {@link Direction#OUTBOUND} or {@link Direction#INBOUND}; see §1.3 for its meaning per layer. */
    DIRECTION(ValueType.UINT32),
    /** Interface LUID. */
    IP_LOCAL_INTERFACE(ValueType.UINT64),
    IP_FORWARD_INTERFACE(ValueType.UINT64),
    INTERFACE_INDEX(ValueType.UINT32),
    SUB_INTERFACE_INDEX(ValueType.UINT32),
    SOURCE_INTERFACE_INDEX(ValueType.UINT32),
    DESTINATION_INTERFACE_INDEX(ValueType.UINT32),
    INTERFACE_TYPE(ValueType.UINT32),
    TUNNEL_TYPE(ValueType.UINT32),
    COMPARTMENT_ID(ValueType.UINT32),
    PROFILE_ID(ValueType.UINT32),
    IPSEC_SECURITY_REALM_ID(ValueType.UINT32),
    /** Condition flags, bits from {@link ConditionFlags}. */
    FLAGS(ValueType.UINT32),
    ICMP_TYPE(ValueType.UINT16),
    ICMP_CODE(ValueType.UINT16),
    EMBEDDED_PROTOCOL(ValueType.UINT8),
    EMBEDDED_REMOTE_ADDRESS(null),
    EMBEDDED_LOCAL_ADDRESS_TYPE(ValueType.UINT8),
    EMBEDDED_LOCAL_PORT(ValueType.UINT16),
    EMBEDDED_REMOTE_PORT(ValueType.UINT16),
    /** Reauthorization reason bits (§1.3). */
    REAUTHORIZE_REASON(ValueType.UINT32),
    ORIGINAL_ICMP_TYPE(ValueType.UINT16),
    /** Application id (lower-cased executable path); a string in the port (WFP: byte blob holding a string). */
    ALE_APP_ID(ValueType.UNICODE_STRING),
    ALE_ORIGINAL_APP_ID(ValueType.UNICODE_STRING),
    /** Port extension: TCP flags byte (FIN 0x01 … CWR 0x80). */
    TCP_FLAGS(ValueType.UINT8),
    /** Port extension: flow-table state of the packet's flow (values defined by the flow table). */
    FLOW_STATE(ValueType.UINT8),
    /** Port extension: IP total length in bytes (IPv6: payload length + 40). */
    IP_LENGTH(ValueType.UINT16);

    /** All fields, indexed by ordinal (cached because {@code values()} allocates). */
    static final Field[] ALL = values();

    private final ValueType fixedType;

    Field(ValueType fixedType) {
        this.fixedType = fixedType;
    }

    /** True for address fields, whose type depends on the layer's IP version. */
    public boolean isAddress() {
        return fixedType == null;
    }

    /** This field's value type at a layer of the given IP version. */
    public ValueType type(boolean ipv6) {
        if (fixedType != null) return fixedType;
        return ipv6 ? ValueType.BYTE_ARRAY16 : ValueType.UINT32;
    }
}
