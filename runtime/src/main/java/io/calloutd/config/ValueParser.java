package io.calloutd.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.calloutd.engine.Field;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Value;
import io.calloutd.engine.ValueType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a written condition value into a typed engine {@link Value} for a field at a layer. No DNS: addresses must
 * be literals. Errors are {@link DefinitionException}s at the value's pointer.
 */
public final class ValueParser {
    private static final Map<String, Integer> PROTOCOLS = Map.of(
            "icmp", 1, "igmp", 2, "tcp", 6, "udp", 17, "gre", 47, "esp", 50, "ah", 51,
            "icmpv6", 58, "ipv6-icmp", 58, "sctp", 132);

    private ValueParser() { }

    /** Parses one value of {@code field} at {@code layer}; CIDR prefixes are accepted for address fields. */
    public static Value parse(Field field, Layer layer, JsonNode node, String pointer) throws DefinitionException {
        if (node == null || node.isNull()) throw new DefinitionException(pointer, "missing value");
        ValueType t = layer.typeOf(field);
        if (node.isContainerNode()) throw new DefinitionException(pointer, "expected a " + describe(t) + ", got " + node.getNodeType().toString().toLowerCase(Locale.ROOT));
        String text = node.asText().trim();
        if (field.isAddress()) return address(layer.isV6(), text, pointer);
        switch (t) {
            case UNICODE_STRING:
                if (!node.isTextual()) throw new DefinitionException(pointer, "expected a string, got " + text);
                return Value.string(text);
            case UINT8:
                if (field == Field.IP_PROTOCOL || field == Field.EMBEDDED_PROTOCOL) {
                    Integer proto = PROTOCOLS.get(text.toLowerCase(Locale.ROOT));
                    if (proto != null) return Value.uint8(proto);
                }
                return Value.uint8((int) integer(text, 0xFFL, pointer, field));
            case UINT16: return Value.uint16((int) integer(text, 0xFFFFL, pointer, field));
            case UINT32: return Value.uint32(integer(text, 0xFFFF_FFFFL, pointer, field));
            case UINT64: return Value.uint64(integer(text, -1L, pointer, field));
            default: throw new DefinitionException(pointer, "values of type " + t + " cannot be written in a config");
        }
    }

    private static String describe(ValueType t) {
        return t.isInteger() ? "number" : t == ValueType.UNICODE_STRING ? "string" : "address";
    }

    private static long integer(String text, long max, String pointer, Field field) throws DefinitionException {
        long v;
        try {
            if (text.startsWith("0x") || text.startsWith("0X")) {
                v = Long.parseUnsignedLong(text.substring(2), 16);
            } else {
                v = Long.parseUnsignedLong(text);
            }
        } catch (NumberFormatException e) {
            String hint = field == Field.IP_PROTOCOL ? " (or a protocol name: tcp, udp, icmp, icmpv6, ...)" : "";
            throw new DefinitionException(pointer, "'" + text + "' is not a number" + hint);
        }
        if (max != -1L && Long.compareUnsigned(v, max) > 0) {
            throw new DefinitionException(pointer, text + " is out of range 0.." + max + " for " + field);
        }
        return v;
    }

    private static Value address(boolean v6, String text, String pointer) throws DefinitionException {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        int max = v6 ? 128 : 32;
        int prefix = -1;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (!p.matches("[0-9]{1,3}")) throw new DefinitionException(pointer, "bad CIDR '" + text + "': prefix length '" + p + "' is not a number");
            prefix = Integer.parseInt(p);
            if (prefix > max) throw new DefinitionException(pointer, "bad CIDR '" + text + "': prefix length " + prefix + " exceeds " + max);
        }
        byte[] b = literal(addr, v6, text, pointer);
        if (!v6) {
            int a = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
            return prefix < 0 ? Value.v4(a) : Value.v4Prefix(a, prefix);
        }
        return prefix < 0 ? Value.v6(b) : Value.v6Prefix(b, prefix);
    }

    private static byte[] literal(String addr, boolean v6, String whole, String pointer) throws DefinitionException {
        if (!v6) {
            String[] parts = addr.split("\\.", -1);
            if (parts.length != 4) throw new DefinitionException(pointer, "bad IPv4 address '" + whole + "'");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (!parts[i].matches("[0-9]{1,3}") || Integer.parseInt(parts[i]) > 255) {
                    throw new DefinitionException(pointer, "bad IPv4 address '" + whole + "'");
                }
                b[i] = (byte) Integer.parseInt(parts[i]);
            }
            return b;
        }
        // A colon and hex-only characters make InetAddress treat it as a literal: no resolver is consulted.
        if (!addr.contains(":") || !addr.matches("[0-9A-Fa-f:.]+")) {
            throw new DefinitionException(pointer, "bad IPv6 address '" + whole + "' (an IPv6 layer needs an IPv6 literal)");
        }
        try {
            byte[] b = InetAddress.getByName(addr).getAddress();
            if (b.length == 16) return b;
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(b, 0, mapped, 12, 4);
            return mapped;
        } catch (UnknownHostException e) {
            throw new DefinitionException(pointer, "bad IPv6 address '" + whole + "'");
        }
    }
}
