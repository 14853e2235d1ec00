package io.calloutd.mgmt;

/** Object lifetimes (§8.3), ordered from shortest to longest. */
public enum Lifetime {
    /** Deleted when the adding session closes. */
    DYNAMIC,
    /** Lives until deleted or the daemon stops (also: objects from the configuration file). */
    STATIC,
    /** Stored in the state directory and re-added at start. */
    PERSISTENT,
    /** Predefined; cannot be added or deleted. */
    BUILTIN;

    /** True if an object of this lifetime may reference {@code target} (owned by {@code sameSession} or not). */
    public boolean mayReference(Lifetime target, boolean sameSession) {
        switch (this) {
            case DYNAMIC: return target != DYNAMIC || sameSession;
            case STATIC: return target != DYNAMIC;
            case PERSISTENT: return target == PERSISTENT || target == BUILTIN;
            default: return false;
        }
    }
}
