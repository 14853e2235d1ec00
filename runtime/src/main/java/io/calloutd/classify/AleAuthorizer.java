package io.calloutd.classify;

import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.ConditionFlags;
import io.calloutd.engine.Field;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.FilterFlags;
import io.calloutd.engine.Layer;
import io.calloutd.engine.NetEventType;
import io.calloutd.engine.Verdict;
import io.calloutd.flow.Flow;
import io.calloutd.flow.FlowEvent;
import io.calloutd.flow.FlowTable;
import io.calloutd.packet.IpProtocols;
import io.calloutd.pipeline.Direction;

/**
 * The ALE part of a packet's walk (§1.7, §1.8, §5): authorization of new flows (BIND_REDIRECT, CONNECT_REDIRECT,
 * AUTH_CONNECT or AUTH_RECV_ACCEPT), their pending and resumption, reauthorization after a policy change,
 * FLOW_ESTABLISHED and killed flows. Works on the thread's {@link Indication}; allocation-free unless a callout pends.
 */
final class AleAuthorizer {
    private final Indication ind;
    private final FilterEngine engine;
    private final FlowTable flows;
    private final ClassifierCounters counters;
    private final FlowEvent event;
    private final PendingOperations pending;
    /** The redirect step of the thread's classifier (§3.5); none by default. */
    RedirectStep redirect = RedirectStep.NONE;

    /** What the redirect layers need from the classifier: writable requests, applying them, AUTH_CONNECT flags. */
    interface RedirectStep {
        RedirectStep NONE = new RedirectStep() {
            @Override public void begin(Flow flow) { }
            @Override public Object bindRequest() { return null; }
            @Override public Object connectRequest() { return null; }
            @Override public boolean apply(Flow flow) { return true; }
            @Override public int redirectedFlags(Flow flow) { return 0; }
        };

        /** Prepares fresh bind and connect requests for the flow's first packet. */
        void begin(Flow flow);

        /** Layer data at BIND_REDIRECT. */
        Object bindRequest();

        /** Layer data at CONNECT_REDIRECT. */
        Object connectRequest();

        /** Applies what the redirect layers changed (the flow is translated from now on); false: refuse the flow. */
        boolean apply(Flow flow);

        /** IS_CONNECTION_REDIRECTED (setting the metadata) at AUTH_CONNECT of a connect-redirected flow, else 0. */
        int redirectedFlags(Flow flow);
    }

    AleAuthorizer(Indication ind, FlowTable flows, ClassifierCounters counters, FlowEvent event, PendingOperations pending) {
        this.ind = ind;
        this.engine = ind.engine;
        this.flows = flows;
        this.counters = counters;
        this.event = event;
        this.pending = pending;
    }

    /** The ALE part: authorization of new flows, reauthorization, FLOW_ESTABLISHED, killed flows. */
    Verdict ale(Flow flow, LayerSet l, Direction d, PendEntry resuming) {
        if (event.result() == FlowEvent.Result.REFUSED) {
            counters.flowTableFull.increment();
            return Verdict.BLOCK;
        }
        if (flow == null) {
            return Verdict.PERMIT; // mid-stream TCP without pickup, untrackable: no ALE state to consult
        }
        ind.meta.flowId = flow.id();
        ind.in.setUint8(Field.FLOW_STATE, flow.state().ordinal());
        if (flow.isKilled()) {
            counters.killedFlowDrops.increment();
            return Verdict.BLOCK;
        }
        Layer auth = flow.initiatorDirection() == Direction.OUTBOUND ? l.authConnect : l.authRecvAccept;
        if (resuming != null) {
            if (resuming.flow != flow) { // the flow ended while pended: its packet has nothing to resume
                counters.pendFlowGone.increment();
                if (event.has(FlowEvent.NEW_FLOW)) {
                    flows.abort(flow);
                }
                return Verdict.BLOCK;
            }
            Verdict v = authorize(flow, l, d, auth, resuming);
            if (v != Verdict.PERMIT) {
                return v;
            }
        } else if (event.has(FlowEvent.NEW_FLOW)) {
            counters.authorizations.increment();
            Verdict v = authorize(flow, l, d, auth, null);
            if (v != Verdict.PERMIT) {
                return v;
            }
        } else if (flow.authorizedGeneration() == Flow.NEVER_AUTHORIZED && pending.size() > 0
                && pending.pendedFor(flow) != null) {
            counters.pendedFlowDrops.increment(); // e.g. a retransmitted SYN while its connect is pended (§5.2)
            return Verdict.BLOCK;
        } else if (flows.needsReauthorization(flow, engine.generation(auth))) {
            counters.reauthorizations.increment();
            ind.meta.reauthorizeReason = ReauthorizeReason.POLICY_CHANGE;
            ind.in.setUint32(Field.REAUTHORIZE_REASON, ReauthorizeReason.POLICY_CHANGE);
            Verdict v = ind.classify(auth, ConditionFlags.IS_REAUTHORIZE | redirect.redirectedFlags(flow));
            ind.in.setEmpty(Field.REAUTHORIZE_REASON);
            ind.meta.reauthorizeReason = 0;
            ind.report(NetEventType.REAUTHORIZE, v);
            if (v == Verdict.BLOCK) {
                counters.reauthorizationBlocks.increment();
                return Verdict.BLOCK; // the flow stays unauthorized: its next packet is reauthorized again
            }
            flows.markAuthorized(flow, ind.result.generation());
        }
        // A non-TCP flow is established by its first packet: when that one was pended, FLOW_ESTABLISHED follows its
        // resumed authorization instead.
        if (event.has(FlowEvent.ESTABLISHED) || (resuming != null && flow.protocol() != IpProtocols.TCP)) {
            return flowEstablished(flow, l);
        }
        return Verdict.PERMIT;
    }

    /**
     * Authorizes a new flow: BIND_REDIRECT → CONNECT_REDIRECT → AUTH_CONNECT outbound, AUTH_RECV_ACCEPT inbound. A
     * callout may pend a step (the packet is held, the flow kept unauthorized); the completed pend resumes at that
     * step: a pend-classify's final decision is taken as is, otherwise the step is reauthorized with IS_REAUTHORIZE
     * and reason CLASSIFY_COMPLETION (§5.1).
     */
    private Verdict authorize(Flow flow, LayerSet l, Direction d, Layer auth, PendEntry resume) {
        int first = resume != null ? resume.step : d == Direction.OUTBOUND ? 0 : 2;
        if (first < 2) {
            redirect.begin(flow); // a pend at a redirect layer restarts with fresh requests
        }
        for (int step = first; step < 3; step++) {
            Layer layer = step == 0 ? l.bindRedirect : step == 1 ? l.connectRedirect : auth;
            if (step == 2 && first < 2 && !redirect.apply(flow)) {
                return rejectNewFlow(flow); // e.g. the translated tuple belongs to another flow
            }
            int flags = step == 2 ? redirect.redirectedFlags(flow) : 0;
            Verdict v;
            if (resume != null && step == first) {
                v = completedStep(layer, resume, flags);
            } else {
                Object data = step == 0 ? redirect.bindRequest() : step == 1 ? redirect.connectRequest() : null;
                v = data != null ? ind.classify(layer, flags, data) : ind.classify(layer, flags);
                PendEntry pended = pending.take(v == Verdict.BLOCK);
                if (pended != null) {
                    pended.step = step;
                    return Verdict.BLOCK; // held until completion
                }
            }
            if (v == Verdict.BLOCK) {
                return rejectNewFlow(flow);
            }
        }
        // A pend-classify's final decision was not a classification of this walk: its filter is the pending callout's.
        boolean decidedByPend = resume != null && first == 2 && resume.finalAction != null;
        ind.reportAllow(auth, decidedByPend ? resume.filterId : ind.result.filterId());
        flows.markAuthorized(flow, ind.result.generation());
        return Verdict.PERMIT;
    }

    private Verdict completedStep(Layer layer, PendEntry e, int flags) {
        if (e.finalAction != null) {
            return e.finalAction == io.calloutd.engine.ActionType.BLOCK ? Verdict.BLOCK : Verdict.PERMIT;
        }
        counters.reauthorizations.increment();
        ind.meta.reauthorizeReason = ReauthorizeReason.CLASSIFY_COMPLETION;
        ind.in.setUint32(Field.REAUTHORIZE_REASON, ReauthorizeReason.CLASSIFY_COMPLETION);
        Verdict v = ind.classify(layer, ConditionFlags.IS_REAUTHORIZE | flags);
        ind.in.setEmpty(Field.REAUTHORIZE_REASON);
        ind.meta.reauthorizeReason = 0;
        return v;
    }

    private Verdict rejectNewFlow(Flow flow) {
        counters.authorizationBlocks.increment();
        flows.abort(flow); // so that the flow's next packet is authorized again
        return Verdict.BLOCK;
    }

    private Verdict flowEstablished(Flow flow, LayerSet l) {
        ind.setDirection(flow.initiatorDirection());
        Verdict v = ind.classify(l.flowEstablished, 0);
        if (v != Verdict.BLOCK) {
            return Verdict.PERMIT;
        }
        boolean security = (ind.result.flags() & ClassifyOut.FLAG_SECURITY_ERROR) != 0
                || (ind.result.filterId() != 0 && engine.filter(ind.result.filterId())
                        .map(f -> (f.flags() & FilterFlags.BLOCK_IS_SECURITY_ERROR) != 0).orElse(false));
        if (security) {
            counters.flowsKilled.increment();
            flows.kill(flow);
            ind.report(NetEventType.CONNECTION_KILLED, Verdict.BLOCK);
            return Verdict.BLOCK;
        }
        counters.establishedPolicyWarnings.increment();
        ind.report(NetEventType.POLICY_WARNING, Verdict.PERMIT);
        return Verdict.PERMIT;
    }
}
