package io.calloutd.nativebridge;

/**
 * A network interface as the kernel reports it.
 *
 * @param index interface index
 * @param name  interface name
 * @param mtu   link MTU
 * @param up    whether IFF_UP is set (administratively up)
 */
public record Link(int index, String name, int mtu, boolean up) {
}
