package io.calloutd.mgmt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Who may do what (§8.8 reduced to three roles): root and members of the admin group may change objects; members
 * of the read group may open sessions, enumerate, subscribe and read counters; everyone else is refused.
 *
 * @param readGids  groups with read access
 * @param adminGids groups with change access
 */
public record AccessPolicy(Set<Integer> readGids, Set<Integer> adminGids) {
    /** What a principal may do. */
    public enum Role { NONE, READ, ADMIN }

    /** Copies the sets. */
    public AccessPolicy {
        readGids = Set.copyOf(readGids);
        adminGids = Set.copyOf(adminGids);
    }

    /** Only root. */
    public static AccessPolicy rootOnly() { return new AccessPolicy(Set.of(), Set.of()); }

    /** The role of {@code p}. */
    public Role roleOf(Principal p) {
        if (p.isRoot()) return Role.ADMIN;
        for (int g : p.gids()) if (adminGids.contains(g)) return Role.ADMIN;
        for (int g : p.gids()) if (readGids.contains(g)) return Role.READ;
        return Role.NONE;
    }

    /** Resolves a group given by name (from /etc/group) or number; null/blank gives an empty set. */
    public static Set<Integer> groups(String spec) {
        Set<Integer> out = new HashSet<>();
        if (spec == null || spec.isBlank()) return out;
        for (String g : spec.split(",")) {
            String name = g.trim();
            if (name.matches("[0-9]+")) {
                out.add(Integer.parseInt(name));
                continue;
            }
            try {
                for (String line : Files.readAllLines(Path.of("/etc/group"))) {
                    String[] f = line.split(":");
                    if (f.length >= 3 && f[0].equals(name)) out.add(Integer.parseInt(f[2]));
                }
            } catch (IOException | NumberFormatException e) {
                throw new IllegalArgumentException("cannot resolve group '" + name + "': " + e.getMessage());
            }
            if (out.isEmpty()) throw new IllegalArgumentException("unknown group '" + name + "'");
        }
        return out;
    }

    /** Supplementary groups of a live process (the "Groups:" line of /proc/PID/status); empty if unreadable. */
    public static Set<Integer> processGroups(int pid) {
        Set<Integer> out = new HashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("Groups:")) {
                    for (String g : line.substring(7).trim().split("\\s+")) if (!g.isEmpty()) out.add(Integer.parseInt(g));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // The peer may already have exited; its primary gid from SO_PEERCRED still counts.
        }
        return out;
    }
}
