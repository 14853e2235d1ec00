package io.calloutd.config;

import io.calloutd.engine.Callout;
import java.util.Map;
import java.util.Optional;

/**
 * The callout types a configuration may instantiate by name. The daemon supplies the real catalog (callouts module);
 * a type validates its parameters when creating an instance.
 */
public interface CalloutCatalog {
    /** A catalog with no types. */
    CalloutCatalog EMPTY = name -> Optional.empty();

    /** The type called {@code name}, if known. */
    Optional<CalloutType> type(String name);

    /** A callout type. */
    @FunctionalInterface
    interface CalloutType {
        /**
         * Creates an instance.
         *
         * @throws IllegalArgumentException naming the bad parameter
         */
        Callout create(Map<String, Object> params);
    }

    /** A catalog backed by a map. */
    static CalloutCatalog of(Map<String, CalloutType> types) {
        Map<String, CalloutType> copy = Map.copyOf(types);
        return name -> Optional.ofNullable(copy.get(name));
    }
}
