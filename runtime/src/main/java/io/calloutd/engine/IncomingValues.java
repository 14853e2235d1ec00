package io.calloutd.engine;

import java.util.Arrays;

/**
 * A reusable, allocation-free field vector (the {@code FWPS_INCOMING_VALUES0} analogue, §2.2) that the packet
 * path fills before each classification. Slots are indexed by {@link Field}; a slot that was not set since the last
 * {@link #clear()} reads as {@link ValueType#EMPTY} (§1.3: unknown fields are FWP_EMPTY).
 *
 * <p>Integers are stored unsigned; IPv4 addresses are host-order {@link ValueType#UINT32}; IPv6 addresses are two
 * big-endian longs. Not thread-safe: one instance per packet thread.
 */
public final class IncomingValues {
    private static final ValueType[] TYPES = ValueType.values();
    private static final int N = Field.ALL.length;

    private final byte[] types = new byte[N];
    private final long[] high = new long[N];
    private final long[] low = new long[N];
    private final String[] strings = new String[N];

    /** Marks every field {@link ValueType#EMPTY}. */
    public IncomingValues clear() {
        Arrays.fill(types, (byte) 0);
        return this;
    }

    /** Sets a UINT8 field (low 8 bits of {@code v}). */
    public IncomingValues setUint8(Field f, int v) { return integer(f, ValueType.UINT8, v & 0xFFL); }

    /** Sets a UINT16 field (low 16 bits of {@code v}). */
    public IncomingValues setUint16(Field f, int v) { return integer(f, ValueType.UINT16, v & 0xFFFFL); }

    /** Sets a UINT32 field (low 32 bits of {@code v}). */
    public IncomingValues setUint32(Field f, long v) { return integer(f, ValueType.UINT32, v & 0xFFFF_FFFFL); }

    /** Sets a UINT64 field. */
    public IncomingValues setUint64(Field f, long v) { return integer(f, ValueType.UINT64, v); }

    /** Sets an address field at a V4 layer: host-order UINT32 (e.g. {@code 0xC6120001} = 198.18.0.1). */
    public IncomingValues setV4Address(Field f, int hostOrder) {
        requireAddress(f);
        return put(f, ValueType.UINT32, 0, hostOrder & 0xFFFF_FFFFL);
    }

    /** Sets an address field at a V6 layer from its two big-endian halves. */
    public IncomingValues setV6Address(Field f, long hi, long lo) {
        requireAddress(f);
        return put(f, ValueType.BYTE_ARRAY16, hi, lo);
    }

    /** Sets an address field at a V6 layer from 16 network-order bytes at {@code off}. */
    public IncomingValues setV6Address(Field f, byte[] src, int off) {
        return setV6Address(f, Value.bigEndian(src, off), Value.bigEndian(src, off + 8));
    }

    /** Sets a string field; the reference is kept, not copied. */
    public IncomingValues setString(Field f, String s) {
        if (f.type(false) != ValueType.UNICODE_STRING) throw new IllegalArgumentException(f + " is not a string field");
        if (s == null) return setEmpty(f);
        strings[f.ordinal()] = s;
        types[f.ordinal()] = (byte) ValueType.UNICODE_STRING.ordinal();
        return this;
    }

    /** Marks one field unknown ({@link ValueType#EMPTY}). */
    public IncomingValues setEmpty(Field f) {
        types[f.ordinal()] = 0;
        return this;
    }

    /** The current type of field {@code f} ({@link ValueType#EMPTY} if unset). */
    public ValueType type(Field f) { return TYPES[types[f.ordinal()]]; }

    /** Integer value, or IPv4 address, or low half of an IPv6 address. */
    public long low(Field f) { return low[f.ordinal()]; }

    /** High half of an IPv6 address. */
    public long high(Field f) { return high[f.ordinal()]; }

    /** String value or null. */
    public String string(Field f) { return types[f.ordinal()] == ValueType.UNICODE_STRING.ordinal() ? strings[f.ordinal()] : null; }

    // Package-private fast accessors for the matcher, by ordinal.
    int typeOrdinal(int field) { return types[field]; }
    long lowAt(int field) { return low[field]; }
    long highAt(int field) { return high[field]; }
    String stringAt(int field) { return strings[field]; }

    /** Copies every slot from {@code other}. */
    public void copyFrom(IncomingValues other) {
        System.arraycopy(other.types, 0, types, 0, N);
        System.arraycopy(other.high, 0, high, 0, N);
        System.arraycopy(other.low, 0, low, 0, N);
        System.arraycopy(other.strings, 0, strings, 0, N);
    }

    private IncomingValues integer(Field f, ValueType t, long v) {
        if (f.isAddress() || f.type(false) != t) {
            throw new IllegalArgumentException(f + " has type " + (f.isAddress() ? "address" : f.type(false)) + ", not " + t);
        }
        return put(f, t, 0, v);
    }

    private IncomingValues put(Field f, ValueType t, long hi, long lo) {
        int i = f.ordinal();
        types[i] = (byte) t.ordinal();
        high[i] = hi;
        low[i] = lo;
        return this;
    }

    private static void requireAddress(Field f) {
        if (!f.isAddress()) throw new IllegalArgumentException(f + " is not an address field");
    }

    /** Short human-readable description of the set fields (used in net events; allocates). */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Field f : Field.ALL) {
            int i = f.ordinal();
            if (types[i] == 0) continue;
            if (sb.length() > 0) sb.append(' ');
            sb.append(f.name().toLowerCase()).append('=');
            ValueType t = TYPES[types[i]];
            if (t == ValueType.UNICODE_STRING) sb.append(strings[i]);
            else if (t == ValueType.BYTE_ARRAY16) sb.append(v6Text(high[i], low[i]));
            else if (f.isAddress()) sb.append(v4Text(low[i]));
            else sb.append(Long.toUnsignedString(low[i]));
        }
        return sb.toString();
    }

    static String v4Text(long a) {
        return ((a >>> 24) & 0xFF) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
    }

    static String v6Text(long hi, long lo) {
        StringBuilder sb = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            long word = g < 4 ? hi >>> (48 - 16 * g) : lo >>> (48 - 16 * (g - 4));
            if (g > 0) sb.append(':');
            sb.append(Long.toHexString(word & 0xFFFF));
        }
        return sb.toString();
    }
}
