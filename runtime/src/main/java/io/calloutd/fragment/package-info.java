/**
 * IPv4/IPv6 fragment reassembly ({@link io.calloutd.fragment.Reassembler}), refragmentation
 * ({@link io.calloutd.fragment.Fragmenter}) and the ICMP errors sent when a packet may not be
 * fragmented ({@link io.calloutd.fragment.IcmpErrorBuilder}). Mission requirements M-4 and M-5.
 *
 * <p>Self-contained: parses the few IP header fields it needs straight from Netty {@code ByteBuf}s.
 */
package io.calloutd.fragment;
