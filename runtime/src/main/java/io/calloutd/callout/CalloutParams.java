package io.calloutd.callout;

import java.net.InetAddress;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, checked access to a callout's {@code params} from the configuration. Every accessor throws
 * {@link IllegalArgumentException} with a message that starts with the parameter name, so a config error can point
 * at the field; {@link #rejectUnknown} refuses parameters the type does not know (a typo must not pass silently).
 */
public final class CalloutParams {
    private final String type;
    private final Map<String, Object> values;

    private CalloutParams(String type, Map<String, Object> values) {
        this.type = type;
        this.values = values;
    }

    /** Wraps {@code values} (null means empty) of a callout of type {@code type}. */
    public static CalloutParams of(String type, Map<String, ?> values) {
        return new CalloutParams(type, values == null ? Map.of() : new LinkedHashMap<>(values));
    }

    /** The callout type these parameters belong to. */
    public String type() {
        return type;
    }

    /** The raw values. */
    public Map<String, Object> asMap() {
        return Map.copyOf(values);
    }

    /** True if {@code name} was given. */
    public boolean has(String name) {
        return values.containsKey(name) && values.get(name) != null;
    }

    /** Throws if any parameter is not in {@code known}. */
    public CalloutParams rejectUnknown(Collection<String> known) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(unknown.iterator().next() + ": unknown parameter for callout type " + type
                    + " (known: " + String.join(", ", new TreeSet<>(known)) + ")");
        }
        return this;
    }

    /** A required string. */
    public String string(String name) {
        Object v = required(name);
        if (!(v instanceof String s) || s.isEmpty()) {
            throw bad(name, "expected a non-empty string, got " + describe(v));
        }
        return s;
    }

    /** An optional string. */
    public String string(String name, String dflt) {
        return has(name) ? string(name) : dflt;
    }

    /** A required integer in [min, max]. */
    public long integer(String name, long min, long max) {
        Object v = required(name);
        long n;
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            n = ((Number) v).longValue();
        } else if (v instanceof String s && s.matches("-?\\d+")) {
            n = Long.parseLong(s);
        } else {
            throw bad(name, "expected an integer, got " + describe(v));
        }
        if (n < min || n > max) {
            throw bad(name, n + " is out of range [" + min + ", " + max + "]");
        }
        return n;
    }

    /** An optional integer in [min, max]. */
    public long integer(String name, long min, long max, long dflt) {
        return has(name) ? integer(name, min, max) : dflt;
    }

    /** A required TCP/UDP port (1..65535). */
    public int port(String name) {
        return (int) integer(name, 1, 65535);
    }

    /** An optional boolean. */
    public boolean bool(String name, boolean dflt) {
        if (!has(name)) {
            return dflt;
        }
        Object v = values.get(name);
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n && (n.intValue() == 0 || n.intValue() == 1)) {
            return n.intValue() == 1; // the WDK samples' registry values are 0/1
        }
        throw bad(name, "expected true or false, got " + describe(v));
    }

    /** A required IP address literal (IPv4 or IPv6; no host names are resolved). */
    public InetAddress address(String name) {
        String s = string(name);
        if (!s.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            throw bad(name, "not an IP address: " + s);
        }
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw bad(name, "not an IP address: " + s);
        }
    }

    /** An optional IP address literal. */
    public InetAddress address(String name, InetAddress dflt) {
        return has(name) ? address(name) : dflt;
    }

    /** A required list of strings. */
    public List<String> strings(String name) {
        Object v = required(name);
        if (!(v instanceof List<?> l)) {
            throw bad(name, "expected a list, got " + describe(v));
        }
        for (Object o : l) {
            if (!(o instanceof String)) {
                throw bad(name, "expected a list of strings, found " + describe(o));
            }
        }
        @SuppressWarnings("unchecked") List<String> out = (List<String>) l;
        return List.copyOf(out);
    }

    /** One of {@code choices} (case-insensitive), returned lower case. */
    public String choice(String name, String dflt, String... choices) {
        String s = has(name) ? string(name).toLowerCase(java.util.Locale.ROOT) : dflt;
        for (String c : choices) {
            if (c.equals(s)) {
                return s;
            }
        }
        throw bad(name, "expected one of " + String.join(", ", choices) + ", got " + s);
    }

    private Object required(String name) {
        if (!has(name)) {
            throw bad(name, "required parameter missing for callout type " + type);
        }
        return values.get(name);
    }

    private static IllegalArgumentException bad(String name, String why) {
        return new IllegalArgumentException(name + ": " + why);
    }

    private static String describe(Object v) {
        return v == null ? "nothing" : v.getClass().getSimpleName() + " " + v;
    }
}
