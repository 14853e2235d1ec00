package io.calloutd.engine;

/**
 * Type of a field value or condition value (the {@code FWP_DATA_TYPE} analogue, §1.3).
 *
 * <p>Types are never converted: a condition value must have exactly the field's type, except the two
 * address-mask types, which are legal against IPv4 ({@link #UINT32}) and IPv6 ({@link #BYTE_ARRAY16})
 * address fields respectively, and {@link #EMPTY}, which is legal against any field.
 */
public enum ValueType {
    /** No value ({@code FWP_EMPTY}): a field unknown at classify time. */
    EMPTY,
    /** Unsigned 8-bit integer. */
    UINT8,
    /** Unsigned 16-bit integer (ports, ICMP type/code). */
    UINT16,
    /** Unsigned 32-bit integer; IPv4 addresses use it in host order. */
    UINT32,
    /** Unsigned 64-bit integer (interface LUIDs). */
    UINT64,
    /** 16 bytes in network order (IPv6 addresses). */
    BYTE_ARRAY16,
    /** A string, compared as UTF-16 code units (application ids). */
    UNICODE_STRING,
    /** Condition-only: IPv4 address and mask ({@code FWP_V4_ADDR_MASK}), matched against a {@link #UINT32} address field. */
    V4_ADDR_MASK,
    /** Condition-only: IPv6 address and prefix length ({@code FWP_V6_ADDR_MASK}), matched against a {@link #BYTE_ARRAY16} address field. */
    V6_ADDR_MASK;

    /** True for the unsigned integer types. */
    public boolean isInteger() {
        return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64;
    }

    /** Bit width of an integer type (0 for others). */
    public int bits() {
        switch (this) {
            case UINT8: return 8;
            case UINT16: return 16;
            case UINT32: return 32;
            case UINT64: return 64;
            case BYTE_ARRAY16: return 128;
            default: return 0;
        }
    }
}
