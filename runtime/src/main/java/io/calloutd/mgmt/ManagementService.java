package io.calloutd.mgmt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterValidationException;
import io.calloutd.engine.Layer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The Fwpm analogue (§8, M-27): sessions, transactions, object lifetimes, enumeration, change notifications,
 * options and access control over a {@link FilterEngine}. Transport-independent; {@link ApiServer} serves it over a
 * Unix socket. Every public method is serialised on this object; none runs on a packet thread.
 *
 * <p>Transactions: a session's explicit transaction holds the global write lock until commit or abort (another
 * session's write fails with {@code FWP_E_TIMEOUT} meanwhile rather than waiting, so the API thread never blocks).
 * Each call is checked against the engine by replaying the transaction's accepted operations plus the new one in
 * an engine transaction that is then discarded; a failing call is rejected alone and does not poison the
 * transaction (§8.2). Commit applies all accepted operations as one engine transaction.
 */
public final class ManagementService implements AutoCloseable {
    private final FilterEngine engine;
    private final AccessPolicy access;
    private final PersistentStore store;
    private final NetEventHub events;
    private final FlowView flows;
    private final ObjectDefinitions defs;
    private final Consumer<io.calloutd.engine.NetEvent> eventFanout = this::fanOut;
    private final AtomicLong ids = new AtomicLong(1);
    private final Map<Long, Session> sessions = new HashMap<>();
    private ObjectRegistry registry = new ObjectRegistry();
    private Session writer;
    private Callable<String> reloader = () -> { throw new MgmtException("FWP_E_NOT_SUPPORTED", "no configuration file to reload"); };

    /**
     * @param engine   the engine
     * @param access   who may read and change
     * @param config   static objects from the configuration file (may be null)
     * @param events   net event hub (may be null)
     * @param flows    flow table view
     * @param stateDir directory for persistent objects (null: nothing persists)
     */
    public ManagementService(FilterEngine engine, AccessPolicy access, ConfigObjects config, NetEventHub events,
                             FlowView flows, java.nio.file.Path stateDir) throws IOException, MgmtException {
        this.engine = engine;
        this.access = access;
        this.store = new PersistentStore(stateDir);
        this.events = events;
        this.flows = flows;
        this.defs = new ObjectDefinitions(engine, config == null ? ConfigObjects.NONE : config);
        if (events != null) events.addListener(eventFanout);
        restore();
    }

    /** Static objects owned by the configuration file: they count as STATIC for reference checks. */
    public interface ConfigObjects {
        /** No configuration. */
        ConfigObjects NONE = new ConfigObjects() {
            @Override public Set<UUID> sublayerKeys() { return Set.of(); }
            @Override public Set<UUID> calloutKeys() { return Set.of(); }
        };
        /** Sublayer keys from the configuration. */
        Set<UUID> sublayerKeys();
        /** Callout keys from the configuration. */
        Set<UUID> calloutKeys();
    }

    /** Sets what {@code reload} does: re-read and apply the configuration, returning a summary. */
    public synchronized void reloader(Callable<String> r) { this.reloader = r; }

    // ---------------------------------------------------------------- sessions

    /** Opens a session; callers without a role are refused. {@code sink} receives notifications and events. */
    public synchronized Session open(Principal p, boolean dynamic, String name, Consumer<ObjectNode> sink) throws MgmtException {
        AccessPolicy.Role role = access.roleOf(p);
        if (role == AccessPolicy.Role.NONE) throw new MgmtException("FWP_E_ACCESS_DENIED", "uid " + p.uid() + " may not open a session");
        Session s = new Session(ids.getAndIncrement(), p, role, dynamic, name == null ? "" : name, sink);
        sessions.put(s.id(), s);
        return s;
    }

    /** Closes a session: aborts its transaction and deletes its dynamic objects (§8.1). Idempotent. */
    public synchronized void close(Session s) {
        if (s.closed) return;
        s.closed = true;
        abortQuietly(s);
        sessions.remove(s.id());
        if (!s.dynamic()) return;
        Session.Transaction t = new Session.Transaction(false, registry.copy());
        for (Session.Kind k : new Session.Kind[] {Session.Kind.FILTER, Session.Kind.CALLOUT, Session.Kind.SUBLAYER}) {
            for (ManagedObject o : new ArrayList<>(t.registry.of(k).values())) {
                if (o.lifetime() == Lifetime.DYNAMIC && o.sessionId() == s.id()) {
                    Operation op = defs.deleteOp(k, o);
                    op.registry(t.registry);
                    t.ops.add(op);
                }
            }
        }
        try {
            commitOps(s, t);
        } catch (MgmtException e) {
            throw new IllegalStateException("dynamic cleanup of session " + s.id() + " failed", e);
        }
    }

    // ---------------------------------------------------------------- transactions

    /** Begins an explicit transaction (§8.2). */
    public synchronized void begin(Session s, boolean readOnly) throws MgmtException {
        live(s);
        if (s.txn != null) throw new MgmtException("FWP_E_TXN_IN_PROGRESS", "session " + s.id() + " already has an open transaction");
        if (!readOnly) {
            requireAdmin(s);
            lock(s);
            writer = s;
        }
        s.txn = new Session.Transaction(readOnly, registry.copy());
    }

    /** Commits the open transaction; returns the run-time ids of the filters it added, by key. */
    public synchronized Map<UUID, Long> commit(Session s) throws MgmtException {
        live(s);
        Session.Transaction t = s.txn;
        if (t == null) throw new MgmtException("FWP_E_NO_TXN_IN_PROGRESS", "no open transaction");
        s.txn = null;
        if (writer == s) writer = null;
        return commitOps(s, t);
    }

    /** Aborts the open transaction: nothing it did is applied. */
    public synchronized void abort(Session s) throws MgmtException {
        live(s);
        if (s.txn == null) throw new MgmtException("FWP_E_NO_TXN_IN_PROGRESS", "no open transaction");
        abortQuietly(s);
    }

    private void abortQuietly(Session s) {
        s.txn = null;
        if (writer == s) writer = null;
    }

    // ---------------------------------------------------------------- objects

    /** Adds a sublayer from {@code {key?, name, weight}}. */
    public synchronized ObjectNode addSublayer(Session s, ObjectNode def, boolean persistent) throws MgmtException {
        Operation op = defs.addSublayer(s, work(s), def, lifetime(s, persistent));
        return submit(s, op);
    }

    /** Adds a callout object from {@code {key?, name, linkUids?}}. */
    public synchronized ObjectNode addCallout(Session s, ObjectNode def, boolean persistent) throws MgmtException {
        Operation op = defs.addCallout(s, work(s), def, lifetime(s, persistent));
        return submit(s, op);
    }

    /** Adds a filter from a {@link io.calloutd.config.FilterDef} in JSON. */
    public synchronized ObjectNode addFilter(Session s, ObjectNode def, boolean persistent) throws MgmtException {
        Operation op = defs.addFilter(s, work(s), def, lifetime(s, persistent));
        return submit(s, op);
    }

    /** Deletes an object by key, name or (filters) run-time id. */
    public synchronized ObjectNode delete(Session s, Session.Kind kind, String ref) throws MgmtException {
        Operation op = defs.delete(s, work(s), kind, ref);
        return submit(s, op);
    }

    private Lifetime lifetime(Session s, boolean persistent) throws MgmtException {
        if (persistent && s.dynamic()) throw new MgmtException("FWP_E_INVALID_PARAMETER", "a dynamic session cannot add persistent objects");
        return persistent ? Lifetime.PERSISTENT : s.dynamic() ? Lifetime.DYNAMIC : Lifetime.STATIC;
    }

    private ObjectRegistry work(Session s) throws MgmtException {
        live(s);
        requireAdmin(s);
        if (s.txn != null && s.txn.readOnly) throw new MgmtException("FWP_E_INCOMPATIBLE_TXN", "the open transaction is read-only");
        if (s.txn == null) lock(s);
        return s.txn != null ? s.txn.registry : registry.copy();
    }

    private ObjectNode submit(Session s, Operation op) throws MgmtException {
        Session.Transaction t = s.txn != null ? s.txn : new Session.Transaction(false, registry.copy());
        List<Operation> trial = new ArrayList<>(t.ops);
        trial.add(op);
        dryRun(trial);
        t.ops.add(op);
        op.registry(t.registry);
        ObjectNode out = Json.object().put("key", op.object().key().toString());
        if (s.txn == null) {
            Long id = commitOps(s, t).get(op.object().key());
            if (id != null) out.put("id", id);
        }
        return out;
    }

    private static final class DryRun extends RuntimeException {
        private static final long serialVersionUID = 1L;
        DryRun() { super(null, null, false, false); }
    }

    private void dryRun(List<Operation> ops) throws MgmtException {
        try {
            engine.update(tx -> {
                for (Operation o : ops) o.engine(tx);
                throw new DryRun();
            });
        } catch (DryRun ok) {
            // Every operation passed; the engine discarded the trial.
        } catch (FilterValidationException e) {
            throw new MgmtException(e.code().name(), e.getMessage().substring(e.code().name().length() + 2));
        }
    }

    private Map<UUID, Long> commitOps(Session s, Session.Transaction t) throws MgmtException {
        Map<UUID, Long> added = new HashMap<>();
        try {
            engine.update(tx -> {
                for (Operation o : t.ops) {
                    Filter f = o.engine(tx);
                    if (f != null) added.put(f.key(), f.id());
                }
                return null;
            });
        } catch (FilterValidationException e) {
            throw new MgmtException(e.code().name(), "commit failed, nothing applied: " + e.getMessage());
        }
        registry = t.registry;
        boolean persist = false;
        for (Operation o : t.ops) {
            persist |= o.object().lifetime() == Lifetime.PERSISTENT;
            notifyChange(s, o, added.get(o.object().key()));
        }
        if (persist) {
            try {
                store.save(registry);
            } catch (IOException e) {
                throw new MgmtException("FWP_E_PERSISTENCE", "applied, but the persistent store could not be written: " + e.getMessage());
            }
        }
        return added;
    }

    // ---------------------------------------------------------------- enumeration (§8.5)

    /** Creates an enumeration handle over a snapshot of {@code kind} objects (filters optionally of one layer). */
    public synchronized long createEnum(Session s, Session.Kind kind, Layer layer) throws MgmtException {
        live(s);
        List<ObjectNode> snapshot = new ArrayList<>();
        if (kind == Session.Kind.FILTER) {
            for (Layer l : Layer.values()) {
                if (layer != null && l != layer) continue;
                for (Filter f : engine.filters(l)) snapshot.add(JsonViews.filter(f, registry.filters.get(f.key()), engine));
            }
        } else if (kind == Session.Kind.SUBLAYER) {
            for (io.calloutd.engine.Sublayer sl : engine.sublayers()) snapshot.add(JsonViews.sublayer(sl, registry.sublayers.get(sl.key()), defs));
        } else {
            for (UUID k : defs.calloutKeys(registry)) snapshot.add(JsonViews.callout(k, registry.callouts.get(k), engine));
        }
        long h = ids.getAndIncrement();
        s.enums.put(h, snapshot);
        s.enumPositions.put(h, 0);
        return h;
    }

    /** The next page of at most {@code n} objects; fewer than {@code n} means the end. */
    public synchronized List<ObjectNode> enumPage(Session s, long handle, int n) throws MgmtException {
        live(s);
        List<ObjectNode> snap = s.enums.get(handle);
        if (snap == null) throw new MgmtException("FWP_E_INVALID_ENUMERATOR", "no enumeration handle " + handle);
        if (n <= 0) throw new MgmtException("FWP_E_INVALID_PARAMETER", "page size must be > 0");
        int pos = s.enumPositions.get(handle);
        List<ObjectNode> page = new ArrayList<>(snap.subList(pos, Math.min(snap.size(), pos + n)));
        s.enumPositions.put(handle, pos + page.size());
        return page;
    }

    /** Destroys an enumeration handle. */
    public synchronized void destroyEnum(Session s, long handle) throws MgmtException {
        live(s);
        if (s.enums.remove(handle) == null) throw new MgmtException("FWP_E_INVALID_ENUMERATOR", "no enumeration handle " + handle);
        s.enumPositions.remove(handle);
    }

    // ---------------------------------------------------------------- notifications (§8.6, §8.7)

    /** Subscribes the session to add/delete notifications of {@code kinds} (empty: unsubscribe all). */
    public synchronized void subscribe(Session s, Set<Session.Kind> kinds) throws MgmtException {
        live(s);
        s.subscriptions.clear();
        s.subscriptions.addAll(kinds);
    }

    /** Subscribes the session to live net events. */
    public synchronized void subscribeNetEvents(Session s, boolean on) throws MgmtException {
        live(s);
        if (events == null) throw new MgmtException("FWP_E_NOT_SUPPORTED", "net events are not collected");
        s.netEvents = on;
    }

    private void notifyChange(Session origin, Operation o, Long id) {
        ObjectNode n = Json.object().put("event", "change").put("object", o.kind().name().toLowerCase())
                .put("change", o.add() ? "ADD" : "DELETE").put("key", o.object().key().toString());
        if (id != null) n.put("id", id);
        for (Session s : sessions.values()) {
            // A session's own changes are not reported to it (§8.6).
            if (s != origin && s.subscriptions.contains(o.kind()) && s.sink != null) s.sink.accept(n);
        }
    }

    private void fanOut(io.calloutd.engine.NetEvent e) {
        List<Session> targets = new ArrayList<>();
        synchronized (this) {
            for (Session s : sessions.values()) if (s.netEvents && s.sink != null) targets.add(s);
        }
        if (targets.isEmpty()) return;
        ObjectNode n = JsonViews.netEvent(e);
        for (Session s : targets) s.sink.accept(n);
    }

    /** The retained net events, oldest first. */
    public synchronized List<ObjectNode> netEvents(Session s) throws MgmtException {
        live(s);
        List<ObjectNode> out = new ArrayList<>();
        if (events != null) for (io.calloutd.engine.NetEvent e : events.recent()) out.add(JsonViews.netEvent(e));
        return out;
    }

    // ---------------------------------------------------------------- options, stats, reload

    /**
     * Sets an engine option (only {@code collectNetEvents}). Not inside a transaction
     * ({@code FWP_E_TXN_IN_PROGRESS}) nor from a dynamic session ({@code FWP_E_DYNAMIC_SESSION_IN_PROGRESS}).
     */
    public synchronized void setOption(Session s, String name, JsonNode value) throws MgmtException {
        live(s);
        requireAdmin(s);
        if (s.txn != null) throw new MgmtException("FWP_E_TXN_IN_PROGRESS", "options cannot be set inside a transaction");
        if (s.dynamic()) throw new MgmtException("FWP_E_DYNAMIC_SESSION_IN_PROGRESS", "options cannot be set from a dynamic session");
        if (!"collectNetEvents".equals(name)) throw new MgmtException("FWP_E_INVALID_PARAMETER", "unknown option '" + name + "' (collectNetEvents)");
        if (value == null || !value.isBoolean()) throw new MgmtException("FWP_E_INVALID_PARAMETER", "collectNetEvents takes true or false");
        if (events == null) throw new MgmtException("FWP_E_NOT_SUPPORTED", "net events are not collected");
        events.collect(value.booleanValue());
    }

    /** Layer and filter counters. */
    public synchronized ObjectNode counters(Session s) throws MgmtException {
        live(s);
        return JsonViews.counters(engine, events);
    }

    /** Up to {@code limit} flows. */
    public synchronized List<FlowView.FlowSummary> flows(Session s, int limit) throws MgmtException {
        live(s);
        return flows.snapshot(Math.max(1, Math.min(limit, 100_000)));
    }

    /**
     * The original destination of a redirected connection a proxy accepted (§3.5): {@code found} and, if found, the
     * records (originalDestination/originalPort, targetId, handleId, filterId, redirectedLocal/redirectedLocalPort).
     */
    public synchronized ObjectNode redirectQuery(Session s, int protocol, java.net.InetSocketAddress client,
                                                 java.net.InetSocketAddress redirectedTo) throws MgmtException {
        live(s);
        ObjectNode o = Json.object();
        var r = flows.redirectRecords(protocol, client, redirectedTo);
        o.put("found", r.isPresent());
        r.ifPresent(rec -> o.put("originalDestination", rec.originalDestination().getAddress().getHostAddress())
                .put("originalPort", rec.originalDestination().getPort())
                .put("redirectedLocal", rec.redirectedLocal().getAddress().getHostAddress())
                .put("redirectedLocalPort", rec.redirectedLocal().getPort())
                .put("targetId", rec.localRedirectTargetPid()).put("handleId", rec.handleId())
                .put("filterId", rec.filterId()));
        return o;
    }

    private volatile PacketTracer tracer = PacketTracer.NONE;

    /** Sets the packet path's tracer (the daemon's; {@link PacketTracer#NONE} without one). */
    public void tracer(PacketTracer t) { this.tracer = t == null ? PacketTracer.NONE : t; }

    /**
     * Streams the layer trace of matching packets to the session as {@code trace} events for {@code seconds}, then a
     * {@code trace-end} event (admin only: traces show packet contents); stops when the session closes.
     */
    public synchronized void trace(Session s, PacketTracer.Match match, int seconds) throws MgmtException {
        live(s);
        requireAdmin(s);
        if (s.sink == null) throw new MgmtException("FWP_E_NOT_SUPPORTED", "this session cannot receive events");
        tracer.start(match, seconds, s.sink, () -> s.closed);
    }

    /** Re-reads and applies the configuration file (admin only); the message says what was applied or why not. */
    public synchronized String reload(Session s) throws MgmtException {
        live(s);
        requireAdmin(s);
        if (writer != null) throw new MgmtException("FWP_E_TIMEOUT", "session " + writer.id() + " holds the write transaction");
        try {
            return reloader.call();
        } catch (MgmtException e) {
            throw e;
        } catch (Exception e) {
            throw new MgmtException("CONFIG_INVALID", e.getMessage());
        }
    }

    /** Open sessions (id, uid, dynamic, name). */
    public synchronized List<ObjectNode> sessions(Session s) throws MgmtException {
        live(s);
        List<ObjectNode> out = new ArrayList<>();
        for (Session x : sessions.values()) {
            out.add(Json.object().put("id", x.id()).put("uid", x.principal().uid()).put("pid", x.principal().pid())
                    .put("dynamic", x.dynamic()).put("name", x.name()).put("role", x.role().name()));
        }
        return out;
    }

    // ---------------------------------------------------------------- helpers

    private void live(Session s) throws MgmtException {
        if (s.closed) throw new MgmtException("FWP_E_INVALID_HANDLE", "session " + s.id() + " is closed");
    }

    private static void requireAdmin(Session s) throws MgmtException {
        if (s.role() != AccessPolicy.Role.ADMIN) {
            throw new MgmtException("FWP_E_ACCESS_DENIED", "uid " + s.principal().uid() + " has read-only access");
        }
    }

    private void lock(Session s) throws MgmtException {
        if (writer != null && writer != s) {
            throw new MgmtException("FWP_E_TIMEOUT", "session " + writer.id() + " holds the write transaction");
        }
    }

    private void restore() throws IOException, MgmtException {
        ObjectNode doc = store.load();
        Session system = new Session(0, new Principal(0, 0, Set.of(0)), AccessPolicy.Role.ADMIN, false, "restore", null);
        Session.Transaction t = new Session.Transaction(false, registry.copy());
        String[] arrays = {"sublayers", "callouts", "filters"};
        for (String a : arrays) {
            for (JsonNode n : doc.get(a)) {
                ObjectNode def = ((ObjectNode) n).deepCopy();
                int owner = def.path("owner").asInt(0);
                def.remove("owner");
                Operation op = a.equals("sublayers") ? defs.addSublayer(system, t.registry, def, Lifetime.PERSISTENT)
                        : a.equals("callouts") ? defs.addCallout(system, t.registry, def, Lifetime.PERSISTENT)
                        : defs.addFilter(system, t.registry, def, Lifetime.PERSISTENT);
                op = ObjectDefinitions.withOwner(op, owner);
                op.registry(t.registry);
                t.ops.add(op);
            }
        }
        if (!t.ops.isEmpty()) commitOps(system, t);
    }

    @Override public synchronized void close() {
        for (Session s : new ArrayList<>(sessions.values())) close(s);
        if (events != null) events.removeListener(eventFanout);
    }
}
