/**
 * Generic segmentation offload on a TUN opened with {@code IFF_VNET_HDR} and {@code TUNSETOFFLOAD}:
 * the {@code virtio_net_hdr} view ({@link io.calloutd.gso.VnetHeader}), partial checksum completion
 * ({@link io.calloutd.gso.PartialChecksum}), software TSO/USO ({@link io.calloutd.gso.TcpSegmenter},
 * {@link io.calloutd.gso.UdpSegmenter}) and the per-frame facade the pipeline uses
 * ({@link io.calloutd.gso.GsoFrame}). Refusals are {@link io.calloutd.gso.GsoDropReason}s, never
 * exceptions.
 */
package io.calloutd.gso;
