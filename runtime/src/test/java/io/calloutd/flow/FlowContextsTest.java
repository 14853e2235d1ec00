package io.calloutd.flow;

import static io.calloutd.flow.FlowPackets.udp;
import static io.calloutd.pipeline.Direction.OUTBOUND;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Association rules of FwpsFlowAssociateContext0 / FwpsFlowRemoveContext0 (§2.6, check 21). */
class FlowContextsTest {
    final FlowPackets pk = new FlowPackets();
    final RecordingListener listener = new RecordingListener();
    final FlowTable table = new FlowTable(FlowConfig.DEFAULTS.withMaxFlows(64), listener);
    final FlowEvent ev = new FlowEvent();
    final Flow flow = table.track(pk.parse(udp("198.18.0.1", 1, "198.19.0.1", 2, 0)), OUTBOUND, 0, ev);

    @Test
    void zeroIsInvalidAndDuplicatesAreRefused() {
        assertThat(table.associateContext(flow, 1, 2, 0)).isEqualTo(ContextStatus.INVALID_PARAMETER);
        assertThat(table.associateContext(flow, 1, 2, 10)).isEqualTo(ContextStatus.SUCCESS);
        assertThat(table.associateContext(flow, 1, 2, 11)).isEqualTo(ContextStatus.OBJECT_NAME_EXISTS);
        assertThat(table.associateContext(flow, 1, 3, 12)).isEqualTo(ContextStatus.SUCCESS);
        assertThat(table.associateContext(flow, 4, 2, 13)).isEqualTo(ContextStatus.SUCCESS);
        assertThat(flow.context(1, 2)).isEqualTo(10);
        assertThat(flow.context(1, 3)).isEqualTo(12);
        assertThat(flow.context(4, 2)).isEqualTo(13);
        assertThat(flow.context(4, 3)).isZero();
        assertThat(flow.contextCount()).isEqualTo(3);
        assertThat(listener.deletes).isEmpty();
    }

    @Test
    void removeRunsFlowDeleteSynchronously() {
        table.associateContext(flow, 1, 2, 10);
        assertThat(table.removeContext(flow, 1, 2)).isEqualTo(ContextStatus.SUCCESS);
        assertThat(listener.deletes).containsExactly(new RecordingListener.Delete(flow.id(), 1, 2, 10));
        assertThat(table.removeContext(flow, 1, 2)).isEqualTo(ContextStatus.UNSUCCESSFUL);
        assertThat(table.associateContext(flow, 1, 2, 20)).isEqualTo(ContextStatus.SUCCESS);
        table.abort(flow);
        assertThat(listener.deletes).extracting(RecordingListener.Delete::context).containsExactly(10L, 20L);
    }

    @Test
    void removeDuringClassifyIsPendingUntilClassifyEnds() {
        table.associateContext(flow, 1, 1, 10);
        table.associateContext(flow, 1, 2, 20);
        table.associateContext(flow, 1, 3, 30);
        table.beginClassify(flow);
        assertThat(table.removeContext(flow, 1, 2)).isEqualTo(ContextStatus.PENDING);
        assertThat(table.removeContext(flow, 1, 2)).isEqualTo(ContextStatus.UNSUCCESSFUL);
        assertThat(table.associateContext(flow, 1, 2, 21)).isEqualTo(ContextStatus.OBJECT_NAME_EXISTS);
        assertThat(table.removeContext(flow, 1, 1)).isEqualTo(ContextStatus.PENDING);
        assertThat(listener.deletes).isEmpty();
        table.endClassify(flow);
        assertThat(listener.deletes).extracting(RecordingListener.Delete::context).containsExactlyInAnyOrder(10L, 20L);
        assertThat(flow.context(1, 3)).isEqualTo(30);
        assertThat(flow.contextCount()).isEqualTo(1);
        table.endClassify(flow); // unbalanced: ignored
        assertThat(listener.deletes).hasSize(2);
    }

    @Test
    void flowEndingDuringClassifyDefersDeletesToClassifyEnd() {
        table.associateContext(flow, 1, 1, 10);
        table.associateContext(flow, 1, 2, 20);
        table.beginClassify(flow);
        table.removeContext(flow, 1, 1);
        table.abort(flow); // FwpsFlowAbort0 from inside classify
        assertThat(listener.ends).hasSize(1);
        assertThat(listener.deletes).isEmpty();
        assertThat(table.associateContext(flow, 1, 3, 30)).isEqualTo(ContextStatus.INVALID_PARAMETER);
        table.endClassify(flow);
        assertThat(listener.deletes).extracting(RecordingListener.Delete::context).containsExactlyInAnyOrder(10L, 20L);
        assertThat(table.counters().contextsDeleted()).isEqualTo(2);
    }

    @Test
    void contextLimitAndListenerFailuresAreContained() {
        for (int i = 0; i < Flow.MAX_CONTEXTS; i++) {
            assertThat(table.associateContext(flow, 7, i, i + 1)).isEqualTo(ContextStatus.SUCCESS);
        }
        assertThat(table.associateContext(flow, 8, 0, 1)).isEqualTo(ContextStatus.INSUFFICIENT_RESOURCES);
        int[] calls = {0};
        FlowTable throwing = new FlowTable(FlowConfig.DEFAULTS.withMaxFlows(4), (f, l, c, v) -> {
            calls[0]++;
            throw new IllegalStateException("callout bug");
        });
        Flow f = throwing.track(pk.parse(udp("198.18.0.1", 1, "198.19.0.1", 2, 0)), OUTBOUND, 0, ev);
        throwing.associateContext(f, 1, 1, 1);
        throwing.associateContext(f, 1, 2, 2);
        throwing.close();
        assertThat(calls[0]).isEqualTo(2);
        assertThat(throwing.counters().listenerFailures()).isEqualTo(2);
        // Removing from the middle keeps the other slots (and their order of lookup) intact.
        table.removeContext(flow, 7, 5);
        for (int i = 0; i < Flow.MAX_CONTEXTS; i++) {
            assertThat(flow.context(7, i)).isEqualTo(i == 5 ? 0 : i + 1);
        }
    }
}
