package io.calloutd.engine;

import java.util.Objects;

/**
 * An immutable typed value, used as a condition value (the {@code FWP_CONDITION_VALUE0} analogue).
 *
 * <p>Integers are held unsigned in {@link #low()}. IPv6 addresses are held as two big-endian longs
 * ({@link #high()} = bytes 0..7, {@link #low()} = bytes 8..15). {@link ValueType#V4_ADDR_MASK} holds the
 * host-order address in {@link #low()} and the mask in {@link #high()}; {@link ValueType#V6_ADDR_MASK} holds the
 * address like an IPv6 value plus {@link #prefixLength()}.
 */
public final class Value {
    private static final Value EMPTY = new Value(ValueType.EMPTY, 0, 0, null, 0);

    private final ValueType type;
    private final long high;
    private final long low;
    private final String string;
    private final int prefixLength;

    private Value(ValueType type, long high, long low, String string, int prefixLength) {
        this.type = type;
        this.high = high;
        this.low = low;
        this.string = string;
        this.prefixLength = prefixLength;
    }

    /** The {@code FWP_EMPTY} value. */
    public static Value empty() { return EMPTY; }

    /** An unsigned 8-bit value; {@code v} must be in 0..255. */
    public static Value uint8(int v) { return integer(ValueType.UINT8, v, 0xFFL); }

    /** An unsigned 16-bit value; {@code v} must be in 0..65535. */
    public static Value uint16(int v) { return integer(ValueType.UINT16, v, 0xFFFFL); }

    /** An unsigned 32-bit value; {@code v} must be in 0..2^32-1. */
    public static Value uint32(long v) { return integer(ValueType.UINT32, v, 0xFFFF_FFFFL); }

    /** An unsigned 64-bit value (the bits of {@code v}). */
    public static Value uint64(long v) { return new Value(ValueType.UINT64, 0, v, null, 0); }

    /** An IPv4 address in host order, as a {@link ValueType#UINT32} value (e.g. {@code 0xC6120001} = 198.18.0.1). */
    public static Value v4(int hostOrderAddress) { return new Value(ValueType.UINT32, 0, hostOrderAddress & 0xFFFF_FFFFL, null, 0); }

    /** An IPv6 address (16 network-order bytes) as a {@link ValueType#BYTE_ARRAY16} value. */
    public static Value v6(byte[] address) {
        if (address == null || address.length != 16) throw new IllegalArgumentException("IPv6 address needs 16 bytes");
        return new Value(ValueType.BYTE_ARRAY16, bigEndian(address, 0), bigEndian(address, 8), null, 0);
    }

    /** An IPv6 address given as its two big-endian halves. */
    public static Value v6(long high, long low) { return new Value(ValueType.BYTE_ARRAY16, high, low, null, 0); }

    /** A string value. */
    public static Value string(String s) { return new Value(ValueType.UNICODE_STRING, 0, 0, Objects.requireNonNull(s), 0); }

    /** {@code FWP_V4_ADDR_MASK}: host-order address and mask (the mask need not be contiguous). */
    public static Value v4AddrMask(int hostOrderAddress, int mask) {
        return new Value(ValueType.V4_ADDR_MASK, mask & 0xFFFF_FFFFL, hostOrderAddress & 0xFFFF_FFFFL, null, 0);
    }

    /** {@code FWP_V4_ADDR_MASK} for a CIDR prefix of length {@code prefixLength} (0..32). */
    public static Value v4Prefix(int hostOrderAddress, int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) throw new IllegalArgumentException("prefix length " + prefixLength);
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        return v4AddrMask(hostOrderAddress, mask);
    }

    /** {@code FWP_V6_ADDR_MASK}: address (16 network-order bytes) and prefix length 0..128. */
    public static Value v6Prefix(byte[] address, int prefixLength) {
        Value a = v6(address);
        return v6Prefix(a.high, a.low, prefixLength);
    }

    /** {@code FWP_V6_ADDR_MASK} from the two big-endian halves of the address. */
    public static Value v6Prefix(long high, long low, int prefixLength) {
        if (prefixLength < 0 || prefixLength > 128) throw new IllegalArgumentException("prefix length " + prefixLength);
        return new Value(ValueType.V6_ADDR_MASK, high, low, null, prefixLength);
    }

    private static Value integer(ValueType t, long v, long max) {
        if (v < 0 || v > max) throw new IllegalArgumentException(v + " out of range for " + t);
        return new Value(t, 0, v, null, 0);
    }

    static long bigEndian(byte[] b, int off) {
        long r = 0;
        for (int i = 0; i < 8; i++) r = (r << 8) | (b[off + i] & 0xFF);
        return r;
    }

    /** The value's type. */
    public ValueType type() { return type; }
    /** Integer value, IPv6 low half, or IPv4 address of a mask value. */
    public long low() { return low; }
    /** IPv6 high half, or the mask of a {@link ValueType#V4_ADDR_MASK} value. */
    public long high() { return high; }
    /** The string of a {@link ValueType#UNICODE_STRING} value, else null. */
    public String string() { return string; }
    /** Prefix length of a {@link ValueType#V6_ADDR_MASK} value. */
    public int prefixLength() { return prefixLength; }

    @Override public boolean equals(Object o) {
        if (!(o instanceof Value)) return false;
        Value v = (Value) o;
        return type == v.type && high == v.high && low == v.low && prefixLength == v.prefixLength && Objects.equals(string, v.string);
    }

    @Override public int hashCode() { return Objects.hash(type, high, low, string, prefixLength); }

    @Override public String toString() {
        switch (type) {
            case EMPTY: return "EMPTY";
            case UNICODE_STRING: return "\"" + string + "\"";
            case V4_ADDR_MASK: return Long.toHexString(low) + "/" + Long.toHexString(high);
            case V6_ADDR_MASK: return Long.toHexString(high) + ":" + Long.toHexString(low) + "/" + prefixLength;
            case BYTE_ARRAY16: return Long.toHexString(high) + ":" + Long.toHexString(low);
            default: return type + ":" + Long.toUnsignedString(low);
        }
    }
}
