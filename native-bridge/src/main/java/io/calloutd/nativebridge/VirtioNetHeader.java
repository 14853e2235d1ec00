package io.calloutd.nativebridge;

/**
 * Layout constants of {@code struct virtio_net_hdr}, which precedes every packet on a TUN queue opened with a
 * vnet header ({@code IFF_VNET_HDR}). Multi-byte fields are little-endian on x86 (the kernel uses host order
 * unless told otherwise with TUNSETVNETBE).
 *
 * <pre>
 *  0 u8   flags        (NEEDS_CSUM, DATA_VALID)
 *  1 u8   gso_type     (NONE, TCPV4, UDP, TCPV6, UDP_L4, | ECN)
 *  2 le16 hdr_len      length of the headers to replicate per segment
 *  4 le16 gso_size     payload bytes per segment
 *  6 le16 csum_start   offset (from packet start) where checksumming starts
 *  8 le16 csum_offset  offset (from csum_start) where the checksum is stored
 * 10 le16 num_buffers  only with the 12-byte (mergeable rx buffer) layout
 * </pre>
 */
public final class VirtioNetHeader {
    /** Size of the basic header (the TUN default). */
    public static final int SIZE = 10;
    /** Size of the header with {@code num_buffers} (virtio mergeable rx buffers / virtio 1.0). */
    public static final int SIZE_MRG_RXBUF = 12;

    /** Offset of the u8 {@code flags} field. */
    public static final int OFFSET_FLAGS = 0;
    /** Offset of the u8 {@code gso_type} field. */
    public static final int OFFSET_GSO_TYPE = 1;
    /** Offset of the le16 {@code hdr_len} field. */
    public static final int OFFSET_HDR_LEN = 2;
    /** Offset of the le16 {@code gso_size} field. */
    public static final int OFFSET_GSO_SIZE = 4;
    /** Offset of the le16 {@code csum_start} field. */
    public static final int OFFSET_CSUM_START = 6;
    /** Offset of the le16 {@code csum_offset} field. */
    public static final int OFFSET_CSUM_OFFSET = 8;
    /** Offset of the le16 {@code num_buffers} field (12-byte layout only). */
    public static final int OFFSET_NUM_BUFFERS = 10;

    /** flags: the checksum at csum_start+csum_offset is partial and must be completed. */
    public static final int FLAG_NEEDS_CSUM = 0x01;
    /** flags: the checksum has already been validated. */
    public static final int FLAG_DATA_VALID = 0x02;

    /** gso_type: not a GSO frame. */
    public static final int GSO_NONE = 0;
    /** gso_type: TCP over IPv4 super-frame. */
    public static final int GSO_TCPV4 = 1;
    /** gso_type: UDP fragmentation offload (legacy UFO). */
    public static final int GSO_UDP = 3;
    /** gso_type: TCP over IPv6 super-frame. */
    public static final int GSO_TCPV6 = 4;
    /** gso_type: UDP segmentation offload (USO). */
    public static final int GSO_UDP_L4 = 5;
    /** gso_type bit: the TCP segments carry ECN (CWR on the first segment). */
    public static final int GSO_ECN = 0x80;

    private VirtioNetHeader() {
    }
}
