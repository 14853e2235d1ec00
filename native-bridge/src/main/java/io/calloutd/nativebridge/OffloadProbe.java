package io.calloutd.nativebridge;

import java.util.EnumSet;
import java.util.Set;

/**
 * Finds out which {@link TunOffload}s the running kernel accepts on a TUN opened with a vnet header, by trying
 * TUNSETOFFLOAD with each one (plus what it requires): the kernel answers EINVAL for flags it does not know.
 * Kernels have had offload bugs, so the caller still lets the operator switch each one off.
 */
public final class OffloadProbe {
    private OffloadProbe() {
    }

    /**
     * Probes {@code tun}, leaving it with all offloads off (the caller enables its choice afterwards).
     * USO4 and USO6 are also tried as a pair, since some kernels only accept them together.
     *
     * @param tun a device created with {@code vnetHeader = true}
     * @return the offloads the kernel accepted
     * @throws NativeException if even clearing the offloads fails (e.g. the fd is closed)
     */
    public static EnumSet<TunOffload> probe(TunDevice tun) throws NativeException {
        EnumSet<TunOffload> accepted = EnumSet.noneOf(TunOffload.class);
        for (TunOffload o : TunOffload.values()) {
            if (accepts(tun, o.flag() | o.requires())) {
                accepted.add(o);
            }
        }
        if (!accepted.contains(TunOffload.USO4) && !accepted.contains(TunOffload.USO6)
                && accepts(tun, TunDevice.TUN_F_CSUM | TunDevice.TUN_F_USO4 | TunDevice.TUN_F_USO6)) {
            accepted.add(TunOffload.USO4);
            accepted.add(TunOffload.USO6);
        }
        tun.setOffload(0);
        return accepted;
    }

    /**
     * The offloads to enable: those requested and accepted, minus any whose prerequisite is not among them
     * (TSO/USO without CSUM, TSO_ECN without TSO4 or TSO6).
     */
    public static EnumSet<TunOffload> effective(Set<TunOffload> requested, Set<TunOffload> accepted) {
        EnumSet<TunOffload> e = EnumSet.noneOf(TunOffload.class);
        for (TunOffload o : requested) {
            if (accepted.contains(o)) {
                e.add(o);
            }
        }
        if (!e.contains(TunOffload.CSUM)) {
            e.clear();
        }
        if (!e.contains(TunOffload.TSO4) && !e.contains(TunOffload.TSO6)) {
            e.remove(TunOffload.TSO_ECN);
        }
        return e;
    }

    private static boolean accepts(TunDevice tun, int flags) {
        try {
            tun.setOffload(flags);
            return true;
        } catch (NativeException e) {
            return false;
        }
    }
}
