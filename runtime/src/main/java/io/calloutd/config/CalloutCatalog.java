package io.calloutd.config;

import io.calloutd.callout.CalloutFactory;
import io.calloutd.callout.CalloutInstance;
import io.calloutd.callout.CalloutParams;
import io.calloutd.callout.CalloutServices;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The callout types a configuration may instantiate by name. The daemon's catalog is every
 * {@link CalloutFactory} on its class path (the built-in library in the {@code callouts} module, see
 * {@link #discover}); a type validates its parameters when creating an instance.
 */
public interface CalloutCatalog {
    /** A catalog with no types. */
    CalloutCatalog EMPTY = name -> Optional.empty();

    /** The type called {@code name}, if known. */
    Optional<CalloutType> type(String name);

    /** Names of the known types (for messages); default: unknown. */
    default java.util.Set<String> names() {
        return java.util.Set.of();
    }

    /** A callout type. */
    @FunctionalInterface
    interface CalloutType {
        /**
         * Creates an instance.
         *
         * @throws IllegalArgumentException naming the bad parameter
         */
        CalloutInstance create(Map<String, Object> params);
    }

    /** A catalog backed by a map. */
    static CalloutCatalog of(Map<String, CalloutType> types) {
        Map<String, CalloutType> copy = Map.copyOf(types);
        return new CalloutCatalog() {
            @Override public Optional<CalloutType> type(String name) { return Optional.ofNullable(copy.get(name)); }
            @Override public java.util.Set<String> names() { return new java.util.TreeSet<>(copy.keySet()); }
        };
    }

    /**
     * A catalog of {@code factories}; instances are created with {@code services}.
     *
     * @throws IllegalArgumentException if two factories claim the same type name
     */
    static CalloutCatalog of(Iterable<CalloutFactory> factories, CalloutServices services) {
        Map<String, CalloutType> types = new LinkedHashMap<>();
        for (CalloutFactory f : factories) {
            if (types.put(f.type(), params -> f.create(CalloutParams.of(f.type(), params), services)) != null) {
                throw new IllegalArgumentException("two callout factories claim type '" + f.type() + "'");
            }
        }
        return of(types);
    }

    /** Every {@link CalloutFactory} that {@link ServiceLoader} finds through {@code loader}. */
    static CalloutCatalog discover(ClassLoader loader, CalloutServices services) {
        return of(ServiceLoader.load(CalloutFactory.class, loader), services);
    }
}
