package io.calloutd.callout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calloutd.engine.ActionType;
import io.calloutd.engine.ErrorCode;
import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterSpec;
import io.calloutd.engine.FilterValidationException;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Verdict;
import io.calloutd.flow.Flow;
import io.calloutd.flow.FlowConfig;
import io.calloutd.flow.FlowEvent;
import io.calloutd.flow.FlowTable;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.pipeline.Direction;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Registration, notify and flow-context rules of §2.1, §2.5, §2.6 (checks 18–25). */
class CalloutRegistryTest {
    record Note(NotifyType type, UUID key, long filterId) { }
    record Deleted(int layerId, int calloutId, long context) { }

    final Fixture fx = new Fixture();
    final List<Note> notes = new ArrayList<>();
    final List<Deleted> deletes = new ArrayList<>();
    final FlowTable table = new FlowTable(FlowConfig.DEFAULTS.withMaxFlows(16), fx.registry());

    @AfterEach void close() throws Exception { table.close(); fx.close(); }

    CalloutRegistration.Builder reg(UUID key) {
        return CalloutRegistration.builder(key).classify((in, ctx, f, out) -> out.permit())
                .notify((t, k, f) -> { notes.add(new Note(t, k, f.id())); return CalloutStatus.SUCCESS; })
                .flowDelete((l, c, v) -> deletes.add(new Deleted(l, c, v)));
    }

    Flow udpFlow(int port) {
        ParsedPacket p = new ParsedPacket();
        new PacketParser().parse(Unpooled.wrappedBuffer(Pkts.udp(40000, port, 4)), p);
        return table.track(p, Direction.OUTBOUND, 0, new FlowEvent());
    }

    @Test
    void check18_notifyErrorOnAddRejectsTheFilter() throws Exception {
        UUID key = UUID.randomUUID();
        fx.registry().register(CalloutRegistration.builder(key).classify((in, ctx, f, out) -> { })
                .notify((t, k, f) -> CalloutStatus.INVALID_PARAMETER).build());
        UUID filterKey = UUID.randomUUID();
        assertThatThrownBy(() -> fx.engine.addFilter(FilterSpec.builder(Layer.OUTBOUND_TRANSPORT_V4).key(filterKey)
                .callout(FilterAction.CALLOUT_TERMINATING, key).build()))
                .isInstanceOfSatisfying(FilterValidationException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FWP_E_CALLOUT_NOTIFICATION_FAILED));
        assertThat(fx.engine.filters(Layer.OUTBOUND_TRANSPORT_V4)).isEmpty();
    }

    @Test
    void check18_rejectedBatchLetsEarlierAcceptingCalloutsFreeTheirState() throws Exception {
        UUID good = UUID.randomUUID(), bad = UUID.randomUUID();
        fx.registry().register(reg(good).build());
        fx.registry().register(CalloutRegistration.builder(bad).classify((in, ctx, f, out) -> { })
                .notify((t, k, f) -> CalloutStatus.UNSUCCESSFUL).build());
        assertThatThrownBy(() -> fx.engine.update(tx -> {
            tx.addFilter(FilterSpec.builder(Layer.OUTBOUND_TRANSPORT_V4).callout(FilterAction.CALLOUT_TERMINATING, good).build());
            return tx.addFilter(FilterSpec.builder(Layer.OUTBOUND_TRANSPORT_V4).callout(FilterAction.CALLOUT_TERMINATING, bad).build());
        })).isInstanceOf(FilterValidationException.class);
        assertThat(notes).extracting(Note::type).containsExactly(NotifyType.FILTER_ADD, NotifyType.FILTER_DELETE);
        assertThat(fx.engine.filters(Layer.OUTBOUND_TRANSPORT_V4)).isEmpty();
    }

    @Test
    void check19_existingFiltersAreNotAnnouncedButTheirDeleteIs() throws Exception {
        UUID key = UUID.randomUUID();
        Filter before = fx.filter(Layer.OUTBOUND_TRANSPORT_V4, FilterAction.CALLOUT_TERMINATING, key);
        fx.registry().register(reg(key).build());
        assertThat(notes).isEmpty();
        Filter after = fx.filter(Layer.OUTBOUND_TRANSPORT_V4, FilterAction.CALLOUT_TERMINATING, key);
        fx.engine.deleteFilter(before.id());
        assertThat(notes).containsExactly(new Note(NotifyType.FILTER_ADD, after.key(), after.id()),
                new Note(NotifyType.FILTER_DELETE, null, before.id()));
    }

    @Test
    void commitAddNotifyArrivesAfterTheBatchIsPublished() throws Exception {
        UUID key = UUID.randomUUID();
        List<Integer> visible = new ArrayList<>();
        fx.registry().register(CalloutRegistration.builder(key).flags(CalloutFlags.ENABLE_COMMIT_ADD_NOTIFY)
                .classify((in, ctx, f, out) -> { })
                .notify((t, k, f) -> { visible.add(fx.engine.filters(f.layer()).size()); return CalloutStatus.UNSUCCESSFUL; })
                .build());
        fx.filter(Layer.OUTBOUND_TRANSPORT_V4, FilterAction.CALLOUT_TERMINATING, key); // the error cannot reject it
        assertThat(visible).containsExactly(1);
    }

    @Test
    void check20_secondRegistrationOfAKeyFailsWithAlreadyExists() throws Exception {
        UUID key = UUID.randomUUID();
        RegisteredCallout first = fx.registry().register(reg(key).build());
        assertThatThrownBy(() -> fx.registry().register(reg(key).build()))
                .isInstanceOfSatisfying(CalloutException.class, e -> assertThat(e.status()).isEqualTo(CalloutStatus.ALREADY_EXISTS));
        assertThat(fx.registry().byKey(key)).containsSame(first);
        assertThat(fx.registry().unregister(UUID.randomUUID())).isEqualTo(CalloutStatus.NOT_FOUND);
        assertThat(fx.registry().unregister(999)).isEqualTo(CalloutStatus.NOT_FOUND);
    }

    @Test
    void check21_associationNeedsAContextAndAFlowDeleteFunctionAndIsUniquePerLayer() throws Exception {
        RegisteredCallout with = fx.registry().register(reg(UUID.randomUUID()).build());
        RegisteredCallout without = fx.registry().register(CalloutRegistration.builder(UUID.randomUUID())
                .classify((in, ctx, f, out) -> { }).build());
        Flow flow = udpFlow(53);
        Layer l = Layer.DATAGRAM_DATA_V4;
        assertThat(fx.registry().associateContext(table, flow, l, with.id(), 0)).isEqualTo(CalloutStatus.INVALID_PARAMETER);
        assertThat(fx.registry().associateContext(table, flow, l, without.id(), 5)).isEqualTo(CalloutStatus.INVALID_PARAMETER);
        assertThat(fx.registry().associateContext(table, flow, l, with.id(), 5)).isEqualTo(CalloutStatus.SUCCESS);
        assertThat(fx.registry().associateContext(table, flow, l, with.id(), 6)).isEqualTo(CalloutStatus.OBJECT_NAME_EXISTS);
        assertThat(fx.registry().associateContext(table, flow, Layer.ALE_FLOW_ESTABLISHED_V4, with.id(), 6)).isEqualTo(CalloutStatus.SUCCESS);
        assertThat(with.associatedContexts()).isEqualTo(2);
        table.abort(flow);
        assertThat(with.associatedContexts()).isZero();
    }

    @Test
    void check22_resetFlowRunsFlowDeleteExactlyOnce() throws Exception {
        RegisteredCallout c = fx.registry().register(reg(UUID.randomUUID()).build());
        ParsedPacket p = new ParsedPacket();
        PacketParser parser = new PacketParser();
        parser.parse(Unpooled.wrappedBuffer(Pkts.tcp(40000, 80, 0, true, false)), p);
        Flow flow = table.track(p, Direction.OUTBOUND, 0, new FlowEvent());
        assertThat(fx.registry().associateContext(table, flow, Layer.STREAM_V4, c.id(), 42)).isEqualTo(CalloutStatus.SUCCESS);
        parser.parse(Unpooled.wrappedBuffer(Pkts.tcp(40000, 80, 0, false, true)), p);
        table.track(p, Direction.OUTBOUND, 1, new FlowEvent());
        assertThat(flow.isEnded()).isTrue();
        assertThat(deletes).containsExactly(new Deleted(CalloutRegistry.layerId(Layer.STREAM_V4), c.id(), 42));
        assertThat(flow.context(CalloutRegistry.layerId(Layer.STREAM_V4), c.id())).isZero();
        table.abort(flow);
        assertThat(deletes).hasSize(1);
    }

    @Test
    void check23_removeDuringClassifyIsPendingAndDeletesAfterwards() throws Exception {
        RegisteredCallout c = fx.registry().register(reg(UUID.randomUUID()).build());
        Flow flow = udpFlow(53);
        Layer l = Layer.DATAGRAM_DATA_V4;
        fx.registry().associateContext(table, flow, l, c.id(), 9);
        table.beginClassify(flow);
        assertThat(fx.registry().removeContext(table, flow, l, c.id())).isEqualTo(CalloutStatus.PENDING);
        assertThat(deletes).isEmpty();
        table.endClassify(flow);
        assertThat(deletes).containsExactly(new Deleted(l.ordinal(), c.id(), 9));
        fx.registry().associateContext(table, flow, l, c.id(), 10);
        assertThat(fx.registry().removeContext(table, flow, l, c.id())).isEqualTo(CalloutStatus.SUCCESS);
        assertThat(deletes).hasSize(2);
        assertThat(fx.registry().removeContext(table, flow, l, c.id())).isEqualTo(CalloutStatus.UNSUCCESSFUL);
    }

    @Test
    void check24_unregisterIsBusyWhileContextsExistThenFiltersActUnregistered() throws Exception {
        UUID key = UUID.randomUUID();
        RegisteredCallout c = fx.registry().register(reg(key).build());
        fx.filter(Layer.OUTBOUND_IPPACKET_V4, FilterAction.CALLOUT_TERMINATING, key);
        Flow flow = udpFlow(53);
        fx.registry().associateContext(table, flow, Layer.DATAGRAM_DATA_V4, c.id(), 1);
        assertThat(fx.path.indicate(Pkts.udp(1, 2, 3), io.calloutd.engine.Direction.OUTBOUND, null,
                Layer.OUTBOUND_IPPACKET_V4)).isEqualTo(Verdict.PERMIT);
        assertThat(fx.registry().unregister(key)).isEqualTo(CalloutStatus.DEVICE_BUSY);
        assertThat(fx.engine.isCalloutRegistered(key)).isTrue();
        fx.registry().removeContext(table, flow, Layer.DATAGRAM_DATA_V4, c.id());
        assertThat(fx.registry().unregister(key)).isEqualTo(CalloutStatus.SUCCESS);
        assertThat(fx.engine.isCalloutRegistered(key)).isFalse();
        assertThat(fx.path.indicate(Pkts.udp(1, 2, 3), io.calloutd.engine.Direction.OUTBOUND, null,
                Layer.OUTBOUND_IPPACKET_V4)).isEqualTo(Verdict.BLOCK); // terminating + unregistered = block (§1.5)
    }

    @Test
    void check25_conditionalOnFlowCalloutRunsOnlyForFlowsCarryingItsContext() throws Exception {
        UUID key = UUID.randomUUID();
        List<Long> contextsSeen = new ArrayList<>();
        RegisteredCallout c = fx.registry().register(CalloutRegistration.builder(key).flags(CalloutFlags.CONDITIONAL_ON_FLOW)
                .classify((in, ctx, f, out) -> { contextsSeen.add(ctx.flowContext()); out.setActionType(ActionType.BLOCK); out.clearWriteRight(); })
                .flowDelete((l, id, v) -> { }).build());
        fx.filter(Layer.DATAGRAM_DATA_V4, FilterAction.CALLOUT_UNKNOWN, key); // no conditions
        Flow carrying = udpFlow(53), other = udpFlow(54);
        fx.registry().associateContext(table, carrying, Layer.DATAGRAM_DATA_V4, c.id(), 77);
        fx.path.flow = other;
        assertThat(fx.path.indicate(Pkts.udp(40000, 54, 1), io.calloutd.engine.Direction.OUTBOUND, null, Layer.DATAGRAM_DATA_V4))
                .isEqualTo(Verdict.PERMIT);
        fx.path.flow = carrying;
        assertThat(fx.path.indicate(Pkts.udp(40000, 53, 1), io.calloutd.engine.Direction.OUTBOUND, null, Layer.DATAGRAM_DATA_V4))
                .isEqualTo(Verdict.BLOCK);
        assertThat(contextsSeen).containsExactly(77L);
        assertThat(c.timing().skipped()).isEqualTo(1);
        fx.path.flow = null;
        table.abort(carrying);
    }
}
