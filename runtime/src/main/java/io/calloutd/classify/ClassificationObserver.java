package io.calloutd.classify;

import io.calloutd.engine.ClassifyResult;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;

/**
 * Sees every classification the packet path makes, in order: the basis of layer traces ({@code calloutctl
 * trace}) and of the layer-order tests. Runs on the packet thread; must not block.
 */
@FunctionalInterface
public interface ClassificationObserver {
    /**
     * @param layer  the layer classified (a discard layer when the engine classified a BLOCK's twin)
     * @param flags  the FLAGS field value of this indication ({@link io.calloutd.engine.ConditionFlags})
     * @param in     the incoming values (valid only during the call)
     * @param result the engine's result for the main layer
     * @param meta   the indication's metadata
     */
    void classified(Layer layer, int flags, IncomingValues in, ClassifyResult result, PacketMetadata meta);
}
