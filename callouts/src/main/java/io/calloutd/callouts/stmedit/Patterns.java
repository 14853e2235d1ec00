package io.calloutd.callouts.stmedit;

import io.calloutd.stream.StreamCalloutIo;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The find → replace pairs one stmedit instance applies, with the two matchers it needs: over an indication
 * (inline mode) and over a byte stream with a carried-over partial match (out-of-band mode).
 */
final class Patterns {
    final byte[][] find;
    final byte[][] replace;
    final int longest;

    Patterns(String[] find, String[] replace) {
        this.find = new byte[find.length][];
        this.replace = new byte[find.length][];
        int l = 0;
        for (int i = 0; i < find.length; i++) {
            this.find[i] = find[i].getBytes(StandardCharsets.ISO_8859_1);
            this.replace[i] = replace[i].getBytes(StandardCharsets.ISO_8859_1);
            l = Math.max(l, this.find[i].length);
        }
        longest = l;
    }

    /** Index of the pattern matching at {@code at} of the indication, or -1. */
    int matchAt(StreamCalloutIo io, int at) {
        int n = io.dataLength();
        outer:
        for (int p = 0; p < find.length; p++) {
            byte[] f = find[p];
            if (at + f.length > n) continue;
            for (int k = 0; k < f.length; k++) if (io.byteAt(at + k) != f[k]) continue outer;
            return p;
        }
        return -1;
    }

    /** True if the indication's bytes from {@code at} to its end are a proper prefix of some pattern. */
    boolean partialAt(StreamCalloutIo io, int at) {
        int n = io.dataLength();
        outer:
        for (byte[] f : find) {
            if (n - at >= f.length) continue;
            for (int k = 0; at + k < n; k++) if (io.byteAt(at + k) != f[k]) continue outer;
            return true;
        }
        return false;
    }

    private int matchAt(byte[] b, int at, int n) {
        outer:
        for (int p = 0; p < find.length; p++) {
            byte[] f = find[p];
            if (at + f.length > n) continue;
            for (int k = 0; k < f.length; k++) if (b[at + k] != f[k]) continue outer;
            return p;
        }
        return -1;
    }

    private boolean partialAt(byte[] b, int at, int n) {
        outer:
        for (byte[] f : find) {
            if (n - at >= f.length) continue;
            for (int k = 0; at + k < n; k++) if (b[at + k] != f[k]) continue outer;
            return true;
        }
        return false;
    }

    /**
     * Edits {@code carry + chunk}; returns the output and leaves in {@code carry[0]} the trailing bytes that may
     * still become a match (none when {@code end}).
     */
    byte[] edit(byte[][] carry, byte[] chunk, boolean end) {
        byte[] b = carry[0].length == 0 ? chunk : concat(carry[0], chunk);
        int n = b.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(n + 16);
        int i = 0;
        while (i < n) {
            int p = matchAt(b, i, n);
            if (p >= 0) {
                out.write(replace[p], 0, replace[p].length);
                i += find[p].length;
            } else if (!end && partialAt(b, i, n)) {
                break;
            } else {
                out.write(b[i]);
                i++;
            }
        }
        carry[0] = Arrays.copyOfRange(b, i, n);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
