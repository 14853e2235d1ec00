package io.calloutd.callout;

import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.Layer;
import io.calloutd.flow.Flow;

/**
 * FwpsFlowAssociateContext0 / FwpsFlowRemoveContext0 for the callout that is classifying right now (§2.6), for
 * callouts that do not hold the registry and the flow table themselves (e.g. those a policy file creates): the
 * flow is the indication's ({@link ClassifyContext#flow()}), the callout id the calling callout's. Call only from
 * inside that callout's classify, on the packet thread. The callout needs a flowDelete function. A callout that holds
 * the registry and knows its id may use {@link CalloutRegistry#associateContext(ClassifyContext, Layer, int, long)}
 * instead: same table, same exactly-once flowDelete.
 */
public final class FlowAssociation {
    private FlowAssociation() { }

    /**
     * Associates {@code context} with the indicated flow for ({@code layer}, calling callout).
     *
     * @return SUCCESS; INVALID_PARAMETER outside a classify, without a flow, for context 0 or a callout without
     *         flowDelete; OBJECT_NAME_EXISTS if one is already associated
     */
    public static CalloutStatus associate(ClassifyContext ctx, Layer layer, long context) {
        GuardedCallout g = ClassifyScope.current().callout();
        if (g == null || !(ctx.flow() instanceof Flow f) || f.table() == null) {
            return CalloutStatus.INVALID_PARAMETER;
        }
        return g.registry.associateContext(f.table(), f, layer, g.registered().id(), context);
    }

    /** Removes the calling callout's context for ({@code layer}) from the indicated flow (flowDelete runs). */
    public static CalloutStatus remove(ClassifyContext ctx, Layer layer) {
        GuardedCallout g = ClassifyScope.current().callout();
        if (g == null || !(ctx.flow() instanceof Flow f) || f.table() == null) {
            return CalloutStatus.INVALID_PARAMETER;
        }
        return g.registry.removeContext(f.table(), f, layer, g.registered().id());
    }
}
