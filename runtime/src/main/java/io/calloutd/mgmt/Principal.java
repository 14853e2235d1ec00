package io.calloutd.mgmt;

import java.util.Set;

/**
 * Who is calling, from the socket's peer credentials (SO_PEERCRED) plus the process's supplementary groups.
 *
 * @param pid  peer process id
 * @param uid  peer user id; 0 is the "kernel-mode" analogue that bypasses link checks (§8.8)
 * @param gids primary and supplementary group ids
 */
public record Principal(int pid, int uid, Set<Integer> gids) {
    /** Copies the group set. */
    public Principal {
        gids = Set.copyOf(gids);
    }

    /** True for root. */
    public boolean isRoot() { return uid == 0; }
}
