package io.calloutd.engine;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Splits IP protocol values into a few classes so that the index can keep one set of tables per class: the protocol
 * values most often named by EQUAL conditions get a class each, every other value (and a packet without a protocol)
 * shares the last class. A filter requiring protocol 6 then sits only in the tables of class "6", so candidates that
 * would fail on the protocol never come back, and a filter found there needs no protocol test.
 */
final class ProtocolClasses {
    /** At most this many dedicated classes (filters without a protocol condition are copied into every class). */
    static final int MAX_DEDICATED = 6;
    static final int FIELD = Field.IP_PROTOCOL.ordinal();
    private static final int UINT8 = ValueType.UINT8.ordinal();

    /** Class of each protocol value. */
    private final byte[] classOf = new byte[256];
    /** Number of classes; the last one ({@link #other()}) holds the values without a class of their own. */
    final int count;

    ProtocolClasses(CompiledFilter[] ranked) {
        Map<Integer, Integer> uses = new HashMap<>();
        for (CompiledFilter cf : ranked) {
            int[] g = protocolGroup(cf);
            if (g == null) continue;
            for (int k = g[0]; k < g[1]; k++) uses.merge((int) cf.conditions[k].aLo, 1, Integer::sum);
        }
        Integer[] values = uses.keySet().toArray(new Integer[0]);
        Arrays.sort(values, (a, b) -> uses.get(b).equals(uses.get(a)) ? Integer.compare(a, b) : uses.get(b) - uses.get(a));
        int dedicated = Math.min(MAX_DEDICATED, values.length);
        count = dedicated + 1;
        Arrays.fill(classOf, (byte) dedicated);
        for (int i = 0; i < dedicated; i++) classOf[values[i]] = (byte) i;
    }

    /** The class for other values. */
    int other() { return count - 1; }

    /** Class of protocol value {@code p} (0..255). */
    int of(int p) { return classOf[p & 0xFF]; }

    /** Class of the packet's IP_PROTOCOL field. */
    int of(IncomingValues in) {
        return in.typeOrdinal(FIELD) == UINT8 ? classOf[(int) in.lowAt(FIELD) & 0xFF] : count - 1;
    }

    /**
     * The filter's only IP_PROTOCOL group as {from, to} if all its members are EQUAL conditions on a UINT8 value
     * (the case classes can answer), else null.
     */
    static int[] protocolGroup(CompiledFilter cf) {
        int[] found = null;
        int start = 0;
        for (int g = 0; g < cf.groupEnd.length; g++) {
            if (cf.conditions[start].field == FIELD) {
                if (found != null) return null; // two ANDed protocol groups: leave them to the condition test
                for (int k = start; k < cf.groupEnd[g]; k++) {
                    CompiledCondition c = cf.conditions[k];
                    if (c.op != CompiledCondition.EQ || c.expectedType != UINT8 || c.aHi != 0) return null;
                }
                found = new int[] {start, cf.groupEnd[g]};
            }
            start = cf.groupEnd[g];
        }
        return found;
    }
}
