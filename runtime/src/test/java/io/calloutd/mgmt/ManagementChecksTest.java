package io.calloutd.mgmt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyResult;
import io.calloutd.engine.Field;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WFP checks 74–80 (§9) at the management-service level. Check 74's "run-time filters stop matching" is checked
 * with the engine's classify path rather than live traffic.
 */
class ManagementChecksTest {
    static final Principal ROOT = new Principal(1, 0, Set.of(0));
    static final Principal ADMIN = new Principal(2, 1000, Set.of(1000, 500));
    static final Principal READER = new Principal(3, 1001, Set.of(1001, 501));
    static final AccessPolicy POLICY = new AccessPolicy(Set.of(501), Set.of(500));

    @TempDir Path state;
    final FilterEngine engine = new FilterEngine();

    ManagementService service() throws Exception {
        return new ManagementService(engine, POLICY, null, null, FlowView.NONE, state);
    }

    static ObjectNode blockPort(int port) {
        ObjectNode f = Json.object().put("layer", "INBOUND_TRANSPORT_V4").put("action", "BLOCK");
        f.putArray("conditions").addObject().put("field", "IP_LOCAL_PORT").put("value", port);
        return f;
    }

    Verdict classifyPort(int port) {
        IncomingValues in = new IncomingValues().setUint16(Field.IP_LOCAL_PORT, port).setUint8(Field.IP_PROTOCOL, 6);
        return engine.classify(Layer.INBOUND_TRANSPORT_V4, in, new ClassifyContext(), new ClassifyResult());
    }

    @Test
    void check74_closingDynamicSessionRemovesItsObjects() throws Exception {
        ManagementService svc = service();
        Session dyn = svc.open(ADMIN, true, "dyn", null);
        Session other = svc.open(ADMIN, false, "static", null);
        svc.addSublayer(dyn, Json.object().put("name", "dyn-sub").put("weight", 9), false);
        svc.addFilter(dyn, blockPort(23).put("sublayer", "dyn-sub"), false);
        svc.addCallout(dyn, Json.object().put("name", "dyn-callout"), false);
        svc.addFilter(other, blockPort(25), false);
        assertThat(classifyPort(23)).isEqualTo(Verdict.BLOCK);
        assertThat(engine.sublayers()).extracting(s -> s.name()).contains("dyn-sub");

        svc.close(dyn);

        assertThat(classifyPort(23)).isEqualTo(Verdict.PERMIT);
        assertThat(classifyPort(25)).isEqualTo(Verdict.BLOCK);
        assertThat(engine.filters(Layer.INBOUND_TRANSPORT_V4)).hasSize(1);
        assertThat(engine.sublayers()).extracting(s -> s.name()).doesNotContain("dyn-sub");
        long h = svc.createEnum(other, Session.Kind.CALLOUT, null);
        assertThat(svc.enumPage(other, h, 10)).isEmpty();
    }

    @Test
    void check75_secondBeginFailsAndCommitKeepsSuccessfulCalls() throws Exception {
        ManagementService svc = service();
        Session s = svc.open(ROOT, false, "s", null);
        svc.begin(s, false);
        assertThatThrownBy(() -> svc.begin(s, false)).isInstanceOf(MgmtException.class).hasMessageStartingWith("FWP_E_TXN_IN_PROGRESS");
        svc.addFilter(s, blockPort(1), false);
        svc.addFilter(s, blockPort(2), false);
        assertThatThrownBy(() -> svc.addFilter(s, blockPort(3).put("sublayer", "nope"), false))
                .isInstanceOf(MgmtException.class).hasMessageContaining("unknown sublayer 'nope'");
        svc.addFilter(s, blockPort(4), false);
        assertThat(engine.filters(Layer.INBOUND_TRANSPORT_V4)).isEmpty(); // nothing visible before commit
        assertThat(svc.commit(s)).hasSize(3);
        assertThat(engine.filters(Layer.INBOUND_TRANSPORT_V4)).hasSize(3);
        assertThat(classifyPort(4)).isEqualTo(Verdict.BLOCK);
        assertThat(classifyPort(3)).isEqualTo(Verdict.PERMIT);
    }

    @Test
    void check75_transactionAbortLeavesNothing() throws Exception {
        ManagementService svc = service();
        Session s = svc.open(ROOT, false, "s", null);
        long gen = engine.generation(Layer.INBOUND_TRANSPORT_V4);
        svc.begin(s, false);
        svc.addSublayer(s, Json.object().put("name", "t-sub"), true);
        svc.addFilter(s, blockPort(1).put("sublayer", "t-sub"), true);
        svc.addFilter(s, blockPort(2), false);
        svc.abort(s);
        assertThat(engine.filters(Layer.INBOUND_TRANSPORT_V4)).isEmpty();
        assertThat(engine.sublayers()).hasSize(2);
        assertThat(engine.generation(Layer.INBOUND_TRANSPORT_V4)).isEqualTo(gen);
        assertThat(state.resolve("persistent.json")).doesNotExist();
        Session s2 = svc.open(ROOT, false, "s2", null);
        svc.begin(s2, false); // the write lock was released
        svc.abort(s2);
    }

    @Test
    void check76_lifetimeReferenceRulesAndInUseDelete() throws Exception {
        ManagementService svc = service();
        Session dyn = svc.open(ROOT, true, "d", null);
        Session st = svc.open(ROOT, false, "s", null);
        svc.addCallout(dyn, Json.object().put("name", "dyn-c"), false);
        svc.addCallout(st, Json.object().put("name", "static-c"), false);
        ObjectNode callFilter = Json.object().put("layer", "INBOUND_TRANSPORT_V4").put("action", "CALLOUT_INSPECTION");
        assertThatThrownBy(() -> svc.addFilter(st, callFilter.deepCopy().put("callout", "static-c"), true))
                .hasMessageStartingWith("FWP_E_LIFETIME_MISMATCH").hasMessageContaining("PERSISTENT filter cannot reference the STATIC callout");
        assertThatThrownBy(() -> svc.addFilter(st, callFilter.deepCopy().put("callout", "dyn-c"), true))
                .hasMessageStartingWith("FWP_E_LIFETIME_MISMATCH");
        assertThatThrownBy(() -> svc.addFilter(st, callFilter.deepCopy().put("callout", "dyn-c"), false))
                .hasMessageStartingWith("FWP_E_LIFETIME_MISMATCH").hasMessageContaining("DYNAMIC");
        svc.addFilter(st, callFilter.deepCopy().put("callout", "static-c"), false);
        assertThatThrownBy(() -> svc.delete(st, Session.Kind.CALLOUT, "static-c"))
                .hasMessage("FWP_E_IN_USE: callout static-c is referenced by 1 filter(s)");
        svc.addSublayer(st, Json.object().put("name", "used"), false);
        svc.addFilter(st, blockPort(9).put("sublayer", "used"), false);
        assertThatThrownBy(() -> svc.delete(st, Session.Kind.SUBLAYER, "used")).hasMessageStartingWith("FWP_E_IN_USE");
    }

    @Test
    void check77_enumerationIsASnapshotAndShortPageMarksEnd() throws Exception {
        ManagementService svc = service();
        Session s = svc.open(ROOT, false, "s", null);
        for (int p = 1; p <= 3; p++) svc.addFilter(s, blockPort(p), false);
        long h = svc.createEnum(s, Session.Kind.FILTER, Layer.INBOUND_TRANSPORT_V4);
        svc.addFilter(s, blockPort(4), false);
        List<ObjectNode> page1 = svc.enumPage(s, h, 2);
        List<ObjectNode> page2 = svc.enumPage(s, h, 2);
        assertThat(page1).hasSize(2);
        assertThat(page2).hasSize(1); // shorter than requested: the end; the 4th filter is not in the snapshot
        List<String> seen = new ArrayList<>();
        page1.forEach(n -> seen.add(n.get("conditions").get(0).asText()));
        page2.forEach(n -> seen.add(n.get("conditions").get(0).asText()));
        assertThat(seen).noneMatch(c -> c.contains(":4"));
        svc.destroyEnum(s, h);
        assertThatThrownBy(() -> svc.enumPage(s, h, 1)).hasMessageStartingWith("FWP_E_INVALID_ENUMERATOR");
    }

    @Test
    void check78_ownChangesAreNotReported() throws Exception {
        ManagementService svc = service();
        List<ObjectNode> toS = new CopyOnWriteArrayList<>();
        Session s = svc.open(ROOT, false, "s", toS::add);
        Session t = svc.open(ROOT, false, "t", null);
        svc.subscribe(s, Set.of(Session.Kind.FILTER));
        svc.addFilter(s, blockPort(1), false);
        assertThat(toS).isEmpty();
        ObjectNode added = svc.addFilter(t, blockPort(2), false);
        assertThat(toS).singleElement().satisfies(n -> {
            assertThat(n.get("change").asText()).isEqualTo("ADD");
            assertThat(n.get("object").asText()).isEqualTo("filter");
            assertThat(n.get("key").asText()).isEqualTo(added.get("key").asText());
            assertThat(n.get("id").asLong()).isEqualTo(added.get("id").asLong());
        });
    }

    @Test
    void check79_addLinkRequiredUnlessRoot() throws Exception {
        ManagementService svc = service();
        Session root = svc.open(ROOT, false, "kernel", null);
        Session admin = svc.open(ADMIN, false, "user", null);
        svc.addCallout(root, Json.object().put("name", "guarded"), false);
        ObjectNode f = Json.object().put("layer", "INBOUND_TRANSPORT_V4").put("action", "CALLOUT_INSPECTION").put("callout", "guarded");
        assertThatThrownBy(() -> svc.addFilter(admin, f.deepCopy(), false))
                .hasMessage("FWP_E_ACCESS_DENIED: uid 1000 lacks ADD_LINK on callout guarded");
        assertThat(svc.addFilter(root, f.deepCopy(), false).get("id").asLong()).isPositive();
        ObjectNode shared = Json.object().put("name", "shared");
        shared.putArray("linkUids").add(1000);
        svc.addCallout(root, shared, false);
        svc.addFilter(admin, f.deepCopy().put("callout", "shared"), false);
        Session reader = svc.open(READER, false, "reader", null);
        assertThatThrownBy(() -> svc.addFilter(reader, blockPort(1), false)).hasMessageStartingWith("FWP_E_ACCESS_DENIED");
        assertThatThrownBy(() -> svc.open(new Principal(9, 4242, Set.of(4242)), false, "x", null)).hasMessageStartingWith("FWP_E_ACCESS_DENIED");
    }

    @Test
    void check80_setOptionRefusedInTransactionAndDynamicSession() throws Exception {
        NetEventHub hub = new NetEventHub(16, 1000);
        try {
            ManagementService svc = new ManagementService(engine, POLICY, null, hub, FlowView.NONE, state);
            Session s = svc.open(ROOT, false, "s", null);
            Session d = svc.open(ROOT, true, "d", null);
            svc.begin(s, true);
            assertThatThrownBy(() -> svc.setOption(s, "collectNetEvents", BooleanNode.FALSE)).hasMessageStartingWith("FWP_E_TXN_IN_PROGRESS");
            svc.abort(s);
            assertThatThrownBy(() -> svc.setOption(d, "collectNetEvents", BooleanNode.FALSE)).hasMessageStartingWith("FWP_E_DYNAMIC_SESSION_IN_PROGRESS");
            svc.setOption(s, "collectNetEvents", BooleanNode.FALSE);
            assertThat(hub.collecting()).isFalse();
        } finally {
            hub.close();
        }
    }

    @Test
    void persistentObjectsSurviveRestartDynamicOnesVanish() throws Exception {
        ManagementService svc = service();
        Session s = svc.open(ROOT, false, "s", null);
        Session d = svc.open(ROOT, true, "d", null);
        svc.addSublayer(s, Json.object().put("name", "keep").put("weight", 77), true);
        svc.addFilter(s, blockPort(22).put("sublayer", "keep").put("name", "persist-22"), true);
        svc.addFilter(d, blockPort(80).put("name", "dyn-80"), false);
        svc.close();

        FilterEngine fresh = new FilterEngine();
        ManagementService again = new ManagementService(fresh, POLICY, null, null, FlowView.NONE, state);
        assertThat(fresh.filters(Layer.INBOUND_TRANSPORT_V4)).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("persist-22");
            assertThat(f.sublayer().name()).isEqualTo("keep");
            assertThat(f.sublayer().weight()).isEqualTo(77);
        });
        Session s2 = again.open(ROOT, false, "s2", null);
        again.delete(s2, Session.Kind.FILTER, "persist-22");
        again.close();
        assertThat(new ManagementService(new FilterEngine(), POLICY, null, null, FlowView.NONE, state)).isNotNull();
    }
}
