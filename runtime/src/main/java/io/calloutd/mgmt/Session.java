package io.calloutd.mgmt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One management session (§8.1): a connection's identity, its optional open transaction, enumeration handles and
 * subscriptions. Created and closed by {@link ManagementService}; not thread-safe on its own (the service
 * serialises all calls).
 */
public final class Session {
    /** Object kinds one can subscribe to. */
    public enum Kind { SUBLAYER, CALLOUT, FILTER }

    private final long id;
    private final Principal principal;
    private final AccessPolicy.Role role;
    private final boolean dynamic;
    private final String name;
    final Consumer<ObjectNode> sink;
    Transaction txn;
    final Map<Long, List<ObjectNode>> enums = new HashMap<>();
    final Map<Long, Integer> enumPositions = new HashMap<>();
    final Set<Kind> subscriptions = EnumSet.noneOf(Kind.class);
    boolean netEvents;
    boolean closed;

    Session(long id, Principal principal, AccessPolicy.Role role, boolean dynamic, String name, Consumer<ObjectNode> sink) {
        this.id = id;
        this.principal = principal;
        this.role = role;
        this.dynamic = dynamic;
        this.name = name;
        this.sink = sink;
    }

    /** Session id (unique per daemon run). */
    public long id() { return id; }
    /** Caller identity. */
    public Principal principal() { return principal; }
    /** Caller role. */
    public AccessPolicy.Role role() { return role; }
    /** True for a dynamic session. */
    public boolean dynamic() { return dynamic; }
    /** Display name. */
    public String name() { return name; }
    /** True while an explicit transaction is open. */
    public boolean inTransaction() { return txn != null; }

    /** An explicit or implicit transaction: a working copy of the registry plus the accepted operations. */
    static final class Transaction {
        final boolean readOnly;
        final ObjectRegistry registry;
        final List<Operation> ops = new ArrayList<>();

        Transaction(boolean readOnly, ObjectRegistry registry) {
            this.readOnly = readOnly;
            this.registry = registry;
        }
    }
}
