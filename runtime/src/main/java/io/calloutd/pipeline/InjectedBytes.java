package io.calloutd.pipeline;

import io.calloutd.callout.InjectedPacket;
import io.calloutd.callout.InjectionType;
import io.calloutd.callout.TransportSendParams;
import io.calloutd.checksum.Ipv4Checksums;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Turns an injection's bytes into one whole IP packet in a contiguous direct buffer the pipeline can parse and
 * write to the kernel. Data that already starts at the IP header is used as it is when it is one direct buffer
 * (a clone of the original shares its memory) and copied otherwise (a clone with replaced segments). A transport
 * send injection carries no IP header (§4.2): the header of the cloned original is put back in front, with the
 * remote address of the send parameters, the new lengths and the IPv4 header checksum; the transport checksum is
 * the caller's to fix once the packet is parsed.
 */
final class InjectedBytes {
    private InjectedBytes() { }

    /**
     * @param privateCopy true to always return a buffer of its own (which the pipeline may write checksums into)
     * @return the packet; the caller releases it if it is not {@code p.data()}
     * @throws IllegalArgumentException if the bytes cannot form an IP packet
     */
    static ByteBuf wholePacket(InjectedPacket p, ByteBufAllocator alloc, boolean privateCopy) {
        ByteBuf data = p.data();
        if (p.type() != InjectionType.TRANSPORT_SEND) {
            if (!privateCopy && data.isDirect() && data.nioBufferCount() == 1) {
                return data;
            }
            return alloc.directBuffer(data.readableBytes()).writeBytes(data, data.readerIndex(), data.readableBytes());
        }
        return withIpHeader(p, data, alloc);
    }

    private static ByteBuf withIpHeader(InjectedPacket p, ByteBuf data, ByteBufAllocator alloc) {
        int ipH = p.ipHeaderSize();
        int total = ipH + data.readableBytes();
        ByteBuf original = p.retainedFromIpHeader();
        ByteBuf b = alloc.directBuffer(total);
        try {
            if (original.readableBytes() < ipH || total > 65535 + (p.ipVersion() == 6 ? 40 : 0)) {
                throw new IllegalArgumentException("transport send injection: no room for the IP header");
            }
            b.writeBytes(original, original.readerIndex(), ipH);
            b.writeBytes(data, data.readerIndex(), data.readableBytes());
            TransportSendParams params = p.sendParams();
            if (p.ipVersion() == 4) {
                b.setShort(2, total);
                if (params != null) {
                    b.setBytes(16, address(params, 4));
                }
                Ipv4Checksums.write(b, 0);
            } else {
                b.setShort(4, total - 40);
                if (params != null) {
                    b.setBytes(24, address(params, 16));
                }
            }
            return b;
        } catch (RuntimeException e) {
            b.release();
            throw e;
        } finally {
            original.release();
        }
    }

    private static byte[] address(TransportSendParams params, int length) {
        byte[] a = params.remoteAddress();
        if (a.length != length) {
            throw new IllegalArgumentException("send parameters carry a " + a.length + "-byte address for an IPv"
                    + (length == 4 ? 4 : 6) + " packet");
        }
        return a;
    }
}
