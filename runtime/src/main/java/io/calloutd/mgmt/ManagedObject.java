package io.calloutd.mgmt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import java.util.UUID;

/**
 * Management-side record of an object added through the API: its lifetime, owner and references. The engine holds
 * the run-time state; this holds what the engine does not know.
 *
 * @param kind       "sublayer", "callout" or "filter"
 * @param key        management key
 * @param name       display name
 * @param lifetime   lifetime
 * @param sessionId  adding session (for dynamic cleanup)
 * @param ownerUid   uid of the adder
 * @param references keys this object references (a filter's sublayer and callout)
 * @param linkUids   for callouts: non-root uids besides the owner allowed to reference it (ADD_LINK)
 * @param definition the definition as stored for persistence
 */
public record ManagedObject(String kind, UUID key, String name, Lifetime lifetime, long sessionId, int ownerUid,
                            Set<UUID> references, Set<Integer> linkUids, ObjectNode definition) {
    /** True if {@code uid} holds ADD_LINK on this object: root, the owner, or a listed uid. */
    public boolean allowsLink(int uid) {
        return uid == 0 || uid == ownerUid || linkUids.contains(uid);
    }
}
