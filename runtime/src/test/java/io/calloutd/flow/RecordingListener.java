package io.calloutd.flow;

import java.util.ArrayList;
import java.util.List;

/** Records flowEnded and flowDelete calls in order. */
final class RecordingListener implements FlowDeleteListener {
    record Delete(long flowId, int layerId, int calloutId, long context) {}

    record End(long flowId, CloseReason reason) {}

    final List<Delete> deletes = new ArrayList<>();
    final List<End> ends = new ArrayList<>();
    /** Interleaved log of "end:<id>" and "delete:<id>:<context>" entries. */
    final List<String> log = new ArrayList<>();

    @Override
    public void flowDelete(Flow flow, int layerId, int calloutId, long context) {
        deletes.add(new Delete(flow.id(), layerId, calloutId, context));
        log.add("delete:" + flow.id() + ":" + context);
    }

    @Override
    public void flowEnded(Flow flow, CloseReason reason) {
        ends.add(new End(flow.id(), reason));
        log.add("end:" + flow.id());
    }
}
