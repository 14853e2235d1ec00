/**
 * Internet checksums (RFC 1071) over Netty {@link io.netty.buffer.ByteBuf} regions: IPv4 header,
 * TCP/UDP/ICMPv6 with IPv4 and IPv6 pseudo-headers, ICMPv4, and incremental update (RFC 1624).
 *
 * <p>All methods are static, allocation-free and use absolute buffer indices; none of them touches
 * reader or writer indices.
 */
package io.calloutd.checksum;
