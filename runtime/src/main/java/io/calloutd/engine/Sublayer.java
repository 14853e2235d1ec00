package io.calloutd.engine;

import java.util.Objects;
import java.util.UUID;

/**
 * A sublayer: the arbitration unit (§1.1). Sublayers are evaluated highest {@link #weight()} first; equal weights
 * are ordered by {@link #key()} ascending ({@link UUID#compareTo}), so the order is deterministic.
 *
 * @param key    identity
 * @param name   display name
 * @param weight 0..65535 (UINT16), higher runs first
 */
public record Sublayer(UUID key, String name, int weight) {
    /** Holds filters added without a sublayer key ({@code FWPM_SUBLAYER_UNIVERSAL}); weight 0x8000 in the port. */
    public static final Sublayer UNIVERSAL =
            new Sublayer(UUID.fromString("eebecc03-ced4-4380-819a-2734397b2b74"), "universal", 0x8000);
    /** Lowest-weighted built-in sublayer, meant for inspection filters ({@code FWPM_SUBLAYER_INSPECTION}). */
    public static final Sublayer INSPECTION =
            new Sublayer(UUID.fromString("877519e1-e6a9-41a5-81b4-8c4f118e4a60"), "inspection", 0);

    /** Validates key and weight range. */
    public Sublayer {
        Objects.requireNonNull(key, "key");
        if (weight < 0 || weight > 0xFFFF) throw new IllegalArgumentException("sublayer weight must be UINT16: " + weight);
        if (name == null) name = key.toString();
    }

    /** A sublayer with a random key. */
    public static Sublayer of(String name, int weight) {
        return new Sublayer(UUID.randomUUID(), name, weight);
    }

    /** Arbitration order: weight descending, then key ascending. */
    static int order(Sublayer a, Sublayer b) {
        int c = Integer.compare(b.weight, a.weight);
        return c != 0 ? c : a.key.compareTo(b.key);
    }
}
